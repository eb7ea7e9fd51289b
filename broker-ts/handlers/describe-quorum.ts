// DescribeQuorum (key 55): the metadata quorum's leader, epoch, high watermark and voters. The
// quorum leader answers; any other node forwards the request to it, as Kafka brokers do.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { METADATA_TOPIC } from '../metadata/metadata-log.js';
import { defineHandler } from '../server/api-handler.js';
import type { BrokerServices } from '../server/broker-services.js';

export const describeQuorumHandler = defineHandler({
  apiKey: ApiKey.DescribeQuorum,
  minVersion: 0,
  maxVersion: 2,
  async handle(broker, body, context) {
    const partition = body.topics[0]?.partitions[0];
    if (body.topics[0]?.topicName !== METADATA_TOPIC || partition?.partitionIndex !== 0) {
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        topics: body.topics.map((t) => ({
          topicName: t.topicName,
          partitions: t.partitions.map((p) => ({ ...emptyPartition(p.partitionIndex), errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION })),
        })),
        nodes: [],
      };
    }
    const node = broker.raft.node;
    if (!node.isLeader) {
      if (broker.config.controllerListenerNames.includes(context.listenerName)) {
        return {
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          topics: [
            {
              topicName: METADATA_TOPIC,
              partitions: [{ ...emptyPartition(0), errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, leaderId: node.leaderId, leaderEpoch: node.epoch }],
            },
          ],
          nodes: [],
        };
      }
      return broker.controllerChannel.send(ApiKey.DescribeQuorum, Math.min(context.apiVersion, 2), body, 5000);
    }
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      topics: [{ topicName: METADATA_TOPIC, partitions: [describeLeader(broker)] }],
      nodes: voterEndpoints(broker),
    };
  },
});

/**
 * v2 names each voter's controller listener, as `kafka-metadata-quorum` prints it (KIP-853). The
 * static voters configuration gives one address per voter, which is its first controller listener.
 */
function voterEndpoints(broker: BrokerServices) {
  const listener = broker.config.controllerListenerNames[0]!;
  return broker.config.quorumVoters.map((v) => ({ nodeId: v.id, listeners: [{ name: listener, host: v.host, port: v.port }] }));
}

function emptyPartition(partitionIndex: number) {
  return { partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null, leaderId: -1, leaderEpoch: -1, highWatermark: -1n, currentVoters: [], observers: [] };
}

function describeLeader(broker: BrokerServices) {
  const node = broker.raft.node;
  const now = Date.now();
  return {
    partitionIndex: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    leaderId: node.leaderId,
    leaderEpoch: node.epoch,
    highWatermark: node.highWatermark,
    currentVoters: node.replicaStates().map((r) => ({
      replicaId: r.replicaId,
      replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA',
      logEndOffset: r.logEndOffset,
      lastFetchTimestamp: r.replicaId === node.nodeId ? BigInt(now) : BigInt(r.lastFetchMs),
      lastCaughtUpTimestamp: r.replicaId === node.nodeId ? BigInt(now) : BigInt(r.lastFetchMs),
    })),
    observers: [],
  };
}
