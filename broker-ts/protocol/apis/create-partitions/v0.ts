import * as t from '../../schema/types.js';

export const CreatePartitionsAssignment = t.struct({
  brokerIds: t.array(t.int32),
});

export const CreatePartitionsTopic = t.struct({
  name: t.string,
  /** The new total number of partitions. */
  count: t.int32,
  assignments: t.nullableArray(CreatePartitionsAssignment),
});

export const request = t.struct({
  topics: t.array(CreatePartitionsTopic),
  timeoutMs: t.int32,
  validateOnly: t.bool,
});

export const CreatePartitionsTopicResult = t.struct({
  name: t.string,
  errorCode: t.int16,
  errorMessage: t.withDefault(t.nullableString, null),
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  results: t.array(CreatePartitionsTopicResult),
});
