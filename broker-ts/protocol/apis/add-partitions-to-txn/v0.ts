// Kafka names the fields of v0-v3 with a "v3AndBelow" prefix because v4+ (broker-to-broker
// verification) batches several transactions; the names are kept to match Kafka's.
import * as t from '../../schema/types.js';

export const AddPartitionsToTxnTopic = t.struct({
  name: t.string,
  partitions: t.array(t.int32),
});

export const request = t.struct({
  v3AndBelowTransactionalId: t.string,
  v3AndBelowProducerId: t.int64,
  v3AndBelowProducerEpoch: t.int16,
  v3AndBelowTopics: t.array(AddPartitionsToTxnTopic),
});

export const AddPartitionsToTxnPartitionResult = t.struct({
  partitionIndex: t.int32,
  partitionErrorCode: t.int16,
});

export const AddPartitionsToTxnTopicResult = t.struct({
  name: t.string,
  resultsByPartition: t.array(AddPartitionsToTxnPartitionResult),
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  resultsByTopicV3AndBelow: t.array(AddPartitionsToTxnTopicResult),
});
