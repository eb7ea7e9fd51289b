import * as t from '../../schema/types.js';

export const WritableTxnMarkerTopic = t.struct({
  name: t.string,
  partitionIndexes: t.array(t.int32),
});

export const WritableTxnMarker = t.struct({
  producerId: t.int64,
  producerEpoch: t.int16,
  /** True for a commit marker, false for an abort marker. */
  transactionResult: t.bool,
  topics: t.array(WritableTxnMarkerTopic),
  coordinatorEpoch: t.int32,
});

export const request = t.struct({
  markers: t.array(WritableTxnMarker),
});

export const WritableTxnMarkerPartitionResult = t.struct({
  partitionIndex: t.int32,
  errorCode: t.int16,
});

export const WritableTxnMarkerTopicResult = t.struct({
  name: t.string,
  partitions: t.array(WritableTxnMarkerPartitionResult),
});

export const WritableTxnMarkerResult = t.struct({
  producerId: t.int64,
  topics: t.array(WritableTxnMarkerTopicResult),
});

export const response = t.struct({
  markers: t.array(WritableTxnMarkerResult),
});
