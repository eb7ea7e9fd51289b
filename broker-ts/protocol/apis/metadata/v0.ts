import * as t from '../../schema/types.js';

export const MetadataRequestTopic = t.struct({
  name: t.string,
});

export const request = t.struct({
  /** In v0 an empty array means all topics; from v1 on that is a null array. */
  topics: t.array(MetadataRequestTopic),
});

export const MetadataResponseBroker = t.struct({
  nodeId: t.int32,
  host: t.string,
  port: t.int32,
});

export const MetadataResponsePartition = t.struct({
  errorCode: t.int16,
  partitionIndex: t.int32,
  leaderId: t.int32,
  replicaNodes: t.array(t.int32),
  isrNodes: t.array(t.int32),
});

export const MetadataResponseTopic = t.struct({
  errorCode: t.int16,
  name: t.string,
  partitions: t.array(MetadataResponsePartition),
});

export const response = t.struct({
  brokers: t.array(MetadataResponseBroker),
  topics: t.array(MetadataResponseTopic),
});
