// Leader epochs for fencing (KIP-320).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v3 from './v3.js';

export * from './v3.js';

export const ListOffsetsPartition = t.struct(insertAfter(v3.ListOffsetsPartition.fields, 'partitionIndex', { currentLeaderEpoch: t.withDefault(t.int32, -1) }));

export const ListOffsetsTopic = t.struct({ ...v3.ListOffsetsTopic.fields, partitions: t.array(ListOffsetsPartition) });

export const request = t.struct({ ...v3.request.fields, topics: t.array(ListOffsetsTopic) });

export const ListOffsetsPartitionResponse = t.struct({
  ...v3.ListOffsetsPartitionResponse.fields,
  leaderEpoch: t.withDefault(t.int32, -1),
});

export const ListOffsetsTopicResponse = t.struct({
  ...v3.ListOffsetsTopicResponse.fields,
  partitions: t.array(ListOffsetsPartitionResponse),
});

export const response = t.struct({ ...v3.response.fields, topics: t.array(ListOffsetsTopicResponse) });
