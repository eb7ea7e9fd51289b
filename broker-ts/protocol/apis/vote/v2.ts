// Pre-vote: a candidate can ask whether it would win before bumping the epoch (KIP-996).
import * as t from '../../schema/types.js';
import * as v1 from './v1.js';

export * from './v1.js';

export const PartitionData = t.struct({ ...v1.PartitionData.fields, preVote: t.bool });

export const TopicData = t.struct({ ...v1.TopicData.fields, partitions: t.array(PartitionData) });

export const request = t.struct({ ...v1.request.fields, topics: t.array(TopicData) });
