// Authorized operations of the cluster and of each topic can be requested (KIP-430).
import * as t from '../../schema/types.js';
import * as v7 from './v7.js';

export * from './v7.js';

/** Kafka's marker for "authorized operations were not requested". */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export const request = t.struct({
  ...v7.request.fields,
  includeClusterAuthorizedOperations: t.bool,
  includeTopicAuthorizedOperations: t.bool,
});

export const MetadataResponseTopic = t.struct({
  ...v7.MetadataResponseTopic.fields,
  topicAuthorizedOperations: t.withDefault(t.int32, AUTHORIZED_OPERATIONS_OMITTED),
});

export const response = t.struct({
  ...v7.response.fields,
  topics: t.array(MetadataResponseTopic),
  clusterAuthorizedOperations: t.withDefault(t.int32, AUTHORIZED_OPERATIONS_OMITTED),
});
