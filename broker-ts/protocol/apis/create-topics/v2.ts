import * as t from '../../schema/types.js';

export const CreatableReplicaAssignment = t.struct({
  partitionIndex: t.int32,
  brokerIds: t.array(t.int32),
});

export const CreatableTopicConfig = t.struct({
  name: t.string,
  value: t.nullableString,
});

export const CreatableTopic = t.struct({
  name: t.string,
  /** -1 with explicit assignments (or, from v4 on, for the broker's default). */
  numPartitions: t.int32,
  replicationFactor: t.int16,
  assignments: t.array(CreatableReplicaAssignment),
  configs: t.array(CreatableTopicConfig),
});

export const request = t.struct({
  topics: t.array(CreatableTopic),
  timeoutMs: t.withDefault(t.int32, 60000),
  validateOnly: t.bool,
});

export const CreatableTopicResult = t.struct({
  name: t.string,
  errorCode: t.int16,
  errorMessage: t.nullableString,
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  topics: t.array(CreatableTopicResult),
});
