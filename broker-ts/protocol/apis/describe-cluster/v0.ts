// Flexible from its first version (KIP-700).
import * as t from '../../schema/types.js';

export const request = t.struct({
  includeClusterAuthorizedOperations: t.bool,
});

export const DescribeClusterBroker = t.struct({
  brokerId: t.int32,
  host: t.string,
  port: t.int32,
  rack: t.withDefault(t.nullableString, null),
});

/** Kafka's marker for "authorized operations were not requested". */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export const response = t.struct({
  throttleTimeMs: t.int32,
  errorCode: t.int16,
  errorMessage: t.withDefault(t.nullableString, null),
  clusterId: t.string,
  controllerId: t.withDefault(t.int32, -1),
  brokers: t.array(DescribeClusterBroker),
  clusterAuthorizedOperations: t.withDefault(t.int32, AUTHORIZED_OPERATIONS_OMITTED),
});
