// Produce (key 0). Each partition's batch is appended by the partition leader as the client framed
// it (offsets and the leader epoch are written into the header, nothing is decompressed; the
// producer state checks epochs, so a producer fenced by its transaction coordinator is refused), then
// acknowledged according to acks: 0 never, 1 once appended (and fsynced if the flush policy says
// so), -1 once the high watermark covers it (the whole ISR has it), within the request timeout.
// Kafka 4 still advertises v0-2 (old librdkafka versions look for them) but refuses to decode them,
// and so does broker-ts: the connection is closed.
import { ApiKey, Attributes, ErrorCode, Offsets, batchSizeAt, writeBatchCrc } from '@kafka-chaos/protocol';
import type { AppendResult } from '../storage/index.js';
import { isInternalTopic } from '../metadata/topic-names.js';
import { ApiError, errorCodeOf, errorMessageOf } from '../errors/api-error.js';
import { CloseConnectionError, defineHandler } from '../server/api-handler.js';
import type { BrokerServices } from '../server/broker-services.js';
import { brokerOnListener } from './listener-endpoints.js';

interface PartitionResponse {
  index: number;
  errorCode: number;
  baseOffset: bigint;
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
  recordErrors: { batchIndex: number; batchIndexErrorMessage: string | null }[];
  errorMessage: string | null;
  currentLeader?: { leaderId: number; leaderEpoch: number };
}

export const produceHandler = defineHandler({
  apiKey: ApiKey.Produce,
  minVersion: 0,
  maxVersion: 11,
  async handle(broker, body, context) {
    const acks = body.acks;
    if (broker.replicas.applyingMetadata && body.topicData.some((t) => t.partitionData.some((d) => broker.replicas.partition(t.name, d.index) === undefined))) {
      // A partition the image just gave this node may still be opening its log.
      await broker.replicas.metadataApplied(body.timeoutMs);
    }
    const pending: Promise<void>[] = [];
    const responses = body.topicData.map((topic) => ({
      name: topic.name,
      partitionResponses: topic.partitionData.map((data): PartitionResponse => {
        const response: PartitionResponse = {
          index: data.index,
          errorCode: ErrorCode.NONE,
          baseOffset: -1n,
          logAppendTimeMs: -1n,
          logStartOffset: -1n,
          recordErrors: [],
          errorMessage: null,
        };
        try {
          if (acks !== 0 && acks !== 1 && acks !== -1) throw ApiError.of('INVALID_REQUIRED_ACKS');
          const result = append(broker, topic.name, data.index, data.records, acks);
          response.baseOffset = result.baseOffset;
          response.logAppendTimeMs = result.logAppendTime;
          response.logStartOffset = result.logStartOffset;
          const acknowledged = waitForAcks(broker, topic.name, data.index, result, acks, body.timeoutMs);
          if (acknowledged !== undefined) {
            pending.push(
              acknowledged.catch((error: unknown) => {
                setError(broker, response, topic.name, context.listenerName, error);
              }),
            );
          }
        } catch (error) {
          setError(broker, response, topic.name, context.listenerName, error);
        }
        return response;
      }),
    }));
    await Promise.all(pending);
    if (acks === 0) {
      const failed = responses.flatMap((t) => t.partitionResponses.filter((p) => p.errorCode !== ErrorCode.NONE).map((p) => `${t.name}-${p.index}`));
      // The client cannot read an error it gets no response for: Kafka closes the connection.
      if (failed.length > 0) throw new CloseConnectionError(`acks=0 produce failed for ${failed.join(', ')}`);
      return undefined;
    }
    const nodeEndpoints = leaderEndpoints(broker, responses, context.listenerName);
    return { responses, throttleTimeMs: 0, nodeEndpoints };
  },
});

function append(broker: BrokerServices, topic: string, index: number, records: Buffer | null, acks: number): AppendResult {
  const registration = broker.image.partition(topic, index);
  if (registration === undefined) throw ApiError.of('UNKNOWN_TOPIC_OR_PARTITION');
  if (isInternalTopic(topic)) throw ApiError.of('INVALID_TOPIC_EXCEPTION', `Cannot append to internal topic ${topic}`);
  // From v3 on a partition's records must be exactly one batch of magic 2.
  if (records === null || records.length < Offsets.records || batchSizeAt(records) !== records.length || records.readInt8(Offsets.magic) !== 2) {
    throw ApiError.of('INVALID_RECORD', 'Produce requests with version 3 and above must contain exactly one record batch of magic 2');
  }
  const partition = broker.replicas.partition(topic, index);
  if (partition === undefined) throw ApiError.of('NOT_LEADER_OR_FOLLOWER');
  const batch = broker.config.bugs.skipDedupe ? withoutProducerId(records) : records;
  return partition.appendRecordsToLeader(batch, acks);
}

/**
 * broker.ts.bug.skip.dedupe (unsafe on purpose): an idempotent, non-transactional batch loses its
 * producer id, epoch and sequence before the append, so nothing tells a retry from a new batch.
 */
function withoutProducerId(records: Buffer): Buffer {
  if (records.readBigInt64BE(Offsets.producerId) < 0n || (records.readInt16BE(Offsets.attributes) & Attributes.transactional) !== 0) return records;
  const copy = Buffer.from(records);
  copy.writeBigInt64BE(-1n, Offsets.producerId);
  copy.writeInt16BE(-1, Offsets.producerEpoch);
  copy.writeInt32BE(-1, Offsets.baseSequence);
  writeBatchCrc(copy);
  return copy;
}

/** The promise that settles when the append may be acknowledged, or undefined when it already may. */
function waitForAcks(broker: BrokerServices, topic: string, index: number, result: AppendResult, acks: number, timeoutMs: number): Promise<void> | undefined {
  if (acks === 0) return undefined;
  // broker.ts.bug.ack.before.replication answers acks=all as if it were acks=1: unsafe on purpose.
  if (acks === 1 || broker.config.bugs.ackBeforeReplication) return result.flushed;
  const partition = broker.replicas.partition(topic, index)!;
  const target = result.lastOffset + 1n;
  const enoughReplicas = () => {
    // As Kafka's delayed produce: the ISR may have shrunk below the minimum while the write waited.
    if (partition.isUnderMinIsr) throw partition.notEnoughReplicas('NOT_ENOUGH_REPLICAS_AFTER_APPEND');
  };
  if (partition.highWatermark >= target) {
    enoughReplicas();
    return undefined;
  }
  return partition.waitForHighWatermark(target, timeoutMs).then((reached) => {
    if (reached && partition.isLeader) return enoughReplicas();
    if (partition.isRemoved) throw ApiError.of('UNKNOWN_TOPIC_OR_PARTITION');
    if (!partition.isLeader) throw ApiError.of('NOT_LEADER_OR_FOLLOWER');
    throw ApiError.of('REQUEST_TIMED_OUT');
  });
}

function setError(broker: BrokerServices, response: PartitionResponse, topic: string, listenerName: string, error: unknown): void {
  const code = errorCodeOf(error);
  if (code === ErrorCode.UNKNOWN_SERVER_ERROR) broker.logger.error({ err: error, topic, partition: response.index }, 'produce failed');
  response.errorCode = code;
  // Kafka explains only what the client did wrong; storage internals stay in the broker log.
  response.errorMessage = error instanceof ApiError || code === ErrorCode.INVALID_RECORD ? errorMessageOf(error) : null;
  response.baseOffset = -1n;
  response.logAppendTimeMs = -1n;
  response.logStartOffset = -1n;
  if (code === ErrorCode.NOT_LEADER_OR_FOLLOWER) {
    const registration = broker.image.partition(topic, response.index);
    if (registration !== undefined && brokerOnListener(broker, registration.leader, listenerName) !== undefined) {
      response.currentLeader = { leaderId: registration.leader, leaderEpoch: registration.leaderEpoch };
    }
  }
}

/** KIP-951: with NOT_LEADER_OR_FOLLOWER the response names the new leaders' addresses. */
function leaderEndpoints(broker: BrokerServices, responses: { partitionResponses: PartitionResponse[] }[], listenerName: string) {
  const ids = new Set<number>();
  for (const topic of responses) for (const p of topic.partitionResponses) if (p.currentLeader !== undefined) ids.add(p.currentLeader.leaderId);
  return [...ids].flatMap((id) => {
    const address = brokerOnListener(broker, id, listenerName);
    return address === undefined ? [] : [{ nodeId: address.nodeId, host: address.host, port: address.port, rack: address.rack }];
  });
}
