import * as t from '../../schema/types.js';

export const PartitionProduceData = t.struct({
  index: t.int32,
  /** Record batches exactly as the client framed them. */
  records: t.records,
});

export const TopicProduceData = t.struct({
  name: t.string,
  partitionData: t.array(PartitionProduceData),
});

export const request = t.struct({
  transactionalId: t.withDefault(t.nullableString, null),
  acks: t.int16,
  timeoutMs: t.int32,
  topicData: t.array(TopicProduceData),
});

export const PartitionProduceResponse = t.struct({
  index: t.int32,
  errorCode: t.int16,
  baseOffset: t.int64,
  logAppendTimeMs: t.withDefault(t.int64, -1n),
});

export const TopicProduceResponse = t.struct({
  name: t.string,
  partitionResponses: t.array(PartitionProduceResponse),
});

export const response = t.struct({
  responses: t.array(TopicProduceResponse),
  throttleTimeMs: t.int32,
});
