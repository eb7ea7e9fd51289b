// The producers a partition replica knows of (KIP-664): what `kafka-transactions describe-producers`
// asks a partition's leader (or a replica named with --broker-id), to find hanging transactions.
// Flexible from its first version.
import * as t from '../../schema/types.js';

export const TopicRequest = t.struct({
  name: t.string,
  partitionIndexes: t.array(t.int32),
});

export const request = t.struct({
  topics: t.array(TopicRequest),
});

export const ProducerState = t.struct({
  producerId: t.int64,
  /** An int32 here, though producer epochs are int16 everywhere else. */
  producerEpoch: t.int32,
  lastSequence: t.withDefault(t.int32, -1),
  lastTimestamp: t.withDefault(t.int64, -1n),
  coordinatorEpoch: t.int32,
  /** -1 when the producer has no transaction open on the partition. */
  currentTxnStartOffset: t.withDefault(t.int64, -1n),
});

export const PartitionResponse = t.struct({
  partitionIndex: t.int32,
  errorCode: t.int16,
  errorMessage: t.withDefault(t.nullableString, null),
  activeProducers: t.array(ProducerState),
});

export const TopicResponse = t.struct({
  name: t.string,
  partitions: t.array(PartitionResponse),
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  topics: t.array(TopicResponse),
});
