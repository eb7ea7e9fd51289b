// Both sides learn the partition's log start offset (needed by followers and by DeleteRecords).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v4 from './v4.js';

export * from './v4.js';

export const FetchPartition = t.struct(insertAfter(v4.FetchPartition.fields, 'fetchOffset', { logStartOffset: t.withDefault(t.int64, -1n) }));

export const FetchTopic = t.struct({ ...v4.FetchTopic.fields, partitions: t.array(FetchPartition) });

export const request = t.struct({ ...v4.request.fields, topics: t.array(FetchTopic) });

export const PartitionData = t.struct(insertAfter(v4.PartitionData.fields, 'lastStableOffset', { logStartOffset: t.withDefault(t.int64, -1n) }));

export const FetchableTopicResponse = t.struct({
  ...v4.FetchableTopicResponse.fields,
  partitions: t.array(PartitionData),
});

export const response = t.struct({ ...v4.response.fields, responses: t.array(FetchableTopicResponse) });
