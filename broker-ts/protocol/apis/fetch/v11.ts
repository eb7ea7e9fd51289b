// Fetch from the closest replica (KIP-392): the client names its rack, the leader may redirect.
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v10 from './v10.js';

export * from './v10.js';

export const request = t.struct({ ...v10.request.fields, rackId: t.string });

export const PartitionData = t.struct(insertAfter(v10.PartitionData.fields, 'abortedTransactions', { preferredReadReplica: t.withDefault(t.int32, -1) }));

export const FetchableTopicResponse = t.struct({
  ...v10.FetchableTopicResponse.fields,
  partitions: t.array(PartitionData),
});

export const response = t.struct({ ...v10.response.fields, responses: t.array(FetchableTopicResponse) });
