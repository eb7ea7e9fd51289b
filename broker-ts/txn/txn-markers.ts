// Transaction markers, both ends. The partition leader's end (appendTxnMarker) writes a control
// batch into a partition it leads, as WriteTxnMarkers does in Kafka: with acks=all and the topic's
// min.insync.replicas, answered once the high watermark covers it, and, for a __consumer_offsets
// partition, handing the outcome to the group coordinator so the transaction's offsets become
// visible (or are dropped). The coordinator's end (TxnMarkerChannel) sends markers to whichever
// node leads each partition: in process when that is this node, else WriteTxnMarkers v1 over the
// inter-broker listener, one connection per broker.
import { ApiKey, ControlRecordType, ErrorCode, WireClient, encodeTransactionMarkerBatch } from '@kafka-chaos/protocol';
import { CONSUMER_OFFSETS_TOPIC } from '../metadata/topic-names.js';
import type { MetadataImage } from '../metadata/metadata-image.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { GroupCoordinator } from '../group/group-coordinator.js';
import type { Logger } from '../logging/logger.js';
import { interBrokerClientSecurity } from '../security/client-security.js';
import { errorCodeOf } from '../errors/api-error.js';

export interface TxnMarker {
  producerId: bigint;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch: number;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** What the leader's end writes with: the partitions this node holds and the group coordinator. */
export interface MarkerWriter {
  readonly image: MetadataImage;
  readonly replicas: ReplicaManager;
  readonly groups: GroupCoordinator;
  readonly logger: Logger;
}

/** What the coordinator's end needs: where each partition's leader is, and how to write locally. */
export interface MarkerRouting {
  readonly nodeId: number;
  readonly config: BrokerConfig;
  readonly image: MetadataImage;
  readonly logger: Logger;
  /** Writes a marker to a partition this node leads (appendTxnMarker); resolves with the error code. */
  appendLocally(topic: string, index: number, marker: TxnMarker): Promise<number>;
}

/** How long a leader waits for its followers to take a marker before answering REQUEST_TIMED_OUT. */
const MARKER_REPLICATION_TIMEOUT_MS = 30_000;

/** Appends a marker to a partition this node leads; resolves with the error code to answer. */
export async function appendTxnMarker(broker: MarkerWriter, topic: string, index: number, marker: TxnMarker): Promise<number> {
  try {
    if (broker.image.partition(topic, index) === undefined) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    const partition = broker.replicas.partition(topic, index);
    if (partition === undefined) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    const batch = encodeTransactionMarkerBatch(
      { type: marker.commit ? ControlRecordType.Commit : ControlRecordType.Abort, coordinatorEpoch: marker.coordinatorEpoch },
      { producerId: marker.producerId, producerEpoch: marker.producerEpoch, timestamp: BigInt(Date.now()) },
    );
    const result = partition.appendRecordsToLeader(batch, -1, 'coordinator');
    if (!(await partition.waitForHighWatermark(result.lastOffset + 1n, MARKER_REPLICATION_TIMEOUT_MS))) {
      return partition.isLeader ? ErrorCode.REQUEST_TIMED_OUT : ErrorCode.NOT_LEADER_OR_FOLLOWER;
    }
    if (topic === CONSUMER_OFFSETS_TOPIC) broker.groups.completeTransaction(index, marker.producerId, marker.commit);
    return ErrorCode.NONE;
  } catch (error) {
    const code = errorCodeOf(error);
    if (code === ErrorCode.UNKNOWN_SERVER_ERROR) broker.logger.error({ err: error, topic, partition: index }, 'writing a transaction marker failed');
    return code;
  }
}

export class TxnMarkerChannel {
  private readonly clients = new Map<number, Promise<WireClient>>();
  private closed = false;

  constructor(private readonly broker: MarkerRouting) {}

  /** Writes the marker to every partition; the result holds an error code for each partition that failed. */
  async write(marker: TxnMarker, partitions: readonly TopicPartition[]): Promise<Map<TopicPartition, number>> {
    const broker = this.broker;
    const failed = new Map<TopicPartition, number>();
    const byLeader = new Map<number, TopicPartition[]>();
    for (const tp of partitions) {
      const registration = broker.image.partition(tp.topic, tp.partition);
      if (registration === undefined) {
        failed.set(tp, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        continue;
      }
      if (registration.leader < 0) {
        failed.set(tp, ErrorCode.LEADER_NOT_AVAILABLE);
        continue;
      }
      const list = byLeader.get(registration.leader) ?? [];
      list.push(tp);
      byLeader.set(registration.leader, list);
    }
    await Promise.all(
      [...byLeader].map(async ([leader, list]) => {
        if (leader === broker.nodeId) {
          await Promise.all(
            list.map(async (tp) => {
              const code = await broker.appendLocally(tp.topic, tp.partition, marker);
              if (code !== ErrorCode.NONE) failed.set(tp, code);
            }),
          );
          return;
        }
        try {
          for (const [tp, code] of await this.sendTo(leader, marker, list)) if (code !== ErrorCode.NONE) failed.set(tp, code);
        } catch (error) {
          broker.logger.debug({ err: error, leader }, 'WriteTxnMarkers failed');
          for (const tp of list) failed.set(tp, ErrorCode.NETWORK_EXCEPTION);
        }
      }),
    );
    return failed;
  }

  close(): void {
    this.closed = true;
    for (const pending of this.clients.values())
      pending.then(
        (c) => c.close(),
        () => undefined,
      );
    this.clients.clear();
  }

  private async sendTo(leader: number, marker: TxnMarker, partitions: readonly TopicPartition[]): Promise<Map<TopicPartition, number>> {
    const topics = new Map<string, number[]>();
    for (const tp of partitions) topics.set(tp.topic, [...(topics.get(tp.topic) ?? []), tp.partition]);
    const client = await this.client(leader);
    const response = await client.send(ApiKey.WriteTxnMarkers, 1, {
      markers: [
        {
          producerId: marker.producerId,
          producerEpoch: marker.producerEpoch,
          transactionResult: marker.commit,
          topics: [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
          coordinatorEpoch: marker.coordinatorEpoch,
        },
      ],
    });
    const results = new Map<TopicPartition, number>();
    const answered = response.markers[0]?.topics ?? [];
    for (const tp of partitions) {
      const code = answered.find((t) => t.name === tp.topic)?.partitions.find((p) => p.partitionIndex === tp.partition)?.errorCode;
      results.set(tp, code ?? ErrorCode.UNKNOWN_SERVER_ERROR);
    }
    return results;
  }

  private client(brokerId: number): Promise<WireClient> {
    if (this.closed) return Promise.reject(new Error('the marker channel is closed'));
    let pending = this.clients.get(brokerId);
    if (pending === undefined) {
      const broker = this.broker;
      const endpoint = broker.image.broker(brokerId)?.endpoints.get(broker.config.interBrokerListenerName);
      if (endpoint === undefined) return Promise.reject(new Error(`no inter-broker address for broker ${brokerId}`));
      pending = WireClient.connect({
        host: endpoint.host,
        port: endpoint.port,
        clientId: `broker-ts-${broker.nodeId}-txn-markers`,
        connectTimeoutMs: 1000,
        requestTimeoutMs: MARKER_REPLICATION_TIMEOUT_MS + 5000,
        ...interBrokerClientSecurity(broker.config),
      });
      this.clients.set(brokerId, pending);
      const forget = () => {
        if (this.clients.get(brokerId) === pending) this.clients.delete(brokerId);
      };
      pending.then((client) => client.once('close', forget), forget);
    }
    return pending;
  }
}
