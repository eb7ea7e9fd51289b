// Leader recovery state after an unclean election (KIP-704).
import * as t from '../../schema/types.js';
import { insertBefore } from '../../schema/fields.js';
import * as v0 from './v0.js';

export * from './v0.js';

const leaderRecoveryState = { leaderRecoveryState: t.int8 };

export const PartitionData = t.struct(insertBefore(v0.PartitionData.fields, 'partitionEpoch', leaderRecoveryState));

export const TopicData = t.struct({ ...v0.TopicData.fields, partitions: t.array(PartitionData) });

export const request = t.struct({ ...v0.request.fields, topics: t.array(TopicData) });

export const PartitionDataResponse = t.struct(insertBefore(v0.PartitionDataResponse.fields, 'partitionEpoch', leaderRecoveryState));

export const TopicDataResponse = t.struct({ ...v0.TopicDataResponse.fields, partitions: t.array(PartitionDataResponse) });

export const response = t.struct({ ...v0.response.fields, topics: t.array(TopicDataResponse) });
