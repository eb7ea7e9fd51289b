// Fetchers send the leader epoch they believe current, for fencing (KIP-320).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v8 from './v8.js';

export * from './v8.js';

export const FetchPartition = t.struct(insertAfter(v8.FetchPartition.fields, 'partition', { currentLeaderEpoch: t.withDefault(t.int32, -1) }));

export const FetchTopic = t.struct({ ...v8.FetchTopic.fields, partitions: t.array(FetchPartition) });

export const request = t.struct({ ...v8.request.fields, topics: t.array(FetchTopic) });
