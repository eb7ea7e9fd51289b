// A wire probe sends the same requests to two brokers and returns what it saw as a plain value (an
// observation), with volatile parts (ids, ports, timestamps) left out, so that two observations can
// be compared field by field and every difference named (see differences.ts).
import type { Cluster } from '../runtime/cluster.js';
import { ApiKey, ErrorCode, WireClient, encodeRecordBatch, errorName, isRetriable } from '@kafka-chaos/protocol';
import type { BatchOptions, RecordInput } from '@kafka-chaos/protocol';
import { sleep } from '../wait.js';

/** JSON-like: what a probe returns. Objects keyed by names compare best: a difference names its key. */
export type Observation = null | boolean | number | string | Observation[] | { [key: string]: Observation };

/** Answers as observations: bigints as decimal strings, bytes as their length, undefined fields left out. */
export function observe(value: unknown): Observation {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return value.map(observe);
  const out: Record<string, Observation> = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) if (field !== undefined) out[key] = observe(field);
  return out;
}

export interface ProbeContext {
  /** One connection, ApiVersions already negotiated, kept for the whole comparison. */
  client: WireClient;
  cluster: Cluster;
  /** A new connection to the node's harness listener, for exchanges that end with the connection closed. */
  connect(requestTimeoutMs?: number): Promise<WireClient>;
}

/** A difference the comparison accepts between Kafka (the reference) and broker-ts, with the reason. */
export interface Tolerance {
  (path: readonly string[], kafka: Observation | undefined, brokerTs: Observation | undefined): string | undefined;
}

export interface WireProbe {
  /** Short and stable: the first part of every difference's name. */
  name: string;
  /** What is compared, one line (the comparison test's title). */
  title: string;
  run(ctx: ProbeContext): Promise<Observation>;
  /** Differences between Kafka and broker-ts that are known and accepted; never applied between two Kafka releases. */
  tolerate?: Tolerance;
}

export function defineProbe(probe: WireProbe): WireProbe {
  return probe;
}

/** An error code as Kafka names it, so that a changed error reads as one. */
export function named(code: number): string {
  return code === 0 ? 'NONE' : errorName(code);
}

/** Retries an exchange while its answer says to (a coordinator loading, a leader not yet elected). */
export async function settled<T>(exchange: () => Promise<T>, retriable: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const value = await exchange();
    if (!retriable(value) || attempt > 50) return value;
    await sleep(200);
  }
}

export class ProbeFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeFailed';
  }
}

export async function createTopic(client: WireClient, name: string, numPartitions = 1, configs: { name: string; value: string }[] = []): Promise<void> {
  const response = await client.send(ApiKey.CreateTopics, 7, {
    topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs }],
    timeoutMs: 30_000,
    validateOnly: false,
  });
  const errorCode = response.topics[0]!.errorCode;
  if (errorCode !== 0) throw new ProbeFailed(`creating topic ${name}: ${named(errorCode)}`);
  // Kafka's brokers learn of a new topic a moment after its controller answers.
  await settled(
    () => client.send(ApiKey.Metadata, 12, { topics: [{ name }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }),
    (r) => r.topics[0]!.errorCode !== 0 || r.topics[0]!.partitions.some((p) => p.leaderId < 0),
  );
}

/** A batch's producer fields (an idempotent or transactional producer's) and the transactional id it is sent with. */
export interface ProduceOptions {
  batch?: BatchOptions;
  transactionalId?: string | null;
}

export function produce(client: WireClient, topic: string, records: readonly RecordInput[], acks = -1, partition = 0, options: ProduceOptions = {}) {
  return client.send(ApiKey.Produce, 9, {
    transactionalId: options.transactionalId ?? null,
    acks,
    timeoutMs: 10_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: encodeRecordBatch(records, options.batch) }] }],
  });
}

/**
 * Writes records that a later exchange reads. Kafka's brokers list a new partition's leader in
 * Metadata a moment before they lead it, and answer NOT_LEADER_OR_FOLLOWER meanwhile.
 */
export async function produceStored(
  client: WireClient,
  topic: string,
  records: readonly RecordInput[],
  partition = 0,
  options: ProduceOptions = {},
): Promise<void> {
  const errorCode = (r: Awaited<ReturnType<typeof produce>>) => r.responses[0]!.partitionResponses[0]!.errorCode;
  const response = await settled(
    () => produce(client, topic, records, -1, partition, options),
    (r) => isRetriable(errorCode(r)),
  );
  if (errorCode(response) !== 0) throw new ProbeFailed(`producing to ${topic}-${partition}: ${named(errorCode(response))}`);
}

/** What a transaction coordinator answers while __transaction_state is created or loaded, or a transaction still ends. */
const COORDINATOR_NOT_READY = new Set<number>([
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.CONCURRENT_TRANSACTIONS,
]);

/**
 * A producer id and epoch from InitProducerId: idempotent for a null id; for a transactional id,
 * once its coordinator answers (the first request for one creates __transaction_state).
 */
export async function producerIdFor(client: WireClient, transactionalId: string | null): Promise<{ producerId: bigint; producerEpoch: number }> {
  if (transactionalId !== null) {
    await settled(
      () => client.send(ApiKey.FindCoordinator, 4, { keyType: 1, coordinatorKeys: [transactionalId] }),
      (r) => COORDINATOR_NOT_READY.has(r.coordinators?.[0]?.errorCode ?? ErrorCode.COORDINATOR_NOT_AVAILABLE),
    );
  }
  const r = await settled(
    () => client.send(ApiKey.InitProducerId, 4, { transactionalId, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 }),
    (r) => COORDINATOR_NOT_READY.has(r.errorCode),
  );
  if (r.errorCode !== 0) throw new ProbeFailed(`InitProducerId for ${transactionalId ?? 'an idempotent producer'}: ${named(r.errorCode)}`);
  return { producerId: r.producerId, producerEpoch: r.producerEpoch };
}
