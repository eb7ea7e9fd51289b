// The sections of an experiment file that describe what runs: the cluster, the topic, the
// producers, the workload's timing, and the optional consumer group and pipeline. Fault kinds and
// workloads read these (ExperimentParts); the whole experiment (schema.ts) adds the fault schedule,
// the expectations and the allowed anomalies, and is composed from the fault kinds' own schemas.
import { z } from 'zod';
import { parseDuration } from '../duration.js';
import { COMMIT_MODES, type CommitMode } from '../workload/commit-modes.js';

export const duration = z
  .union([z.number().nonnegative(), z.string().regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|h)?\s*$/, 'expected a duration such as 500ms, 8s or 2m')])
  .transform((v) => parseDuration(v));

const configValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const configMap = z.record(z.string(), configValue).default({});

const acks = z
  .union([z.literal(0), z.literal(1), z.literal(-1), z.literal('all'), z.literal('0'), z.literal('1'), z.literal('-1')], {
    error: () => 'expected 0, 1, -1 or all',
  })
  .transform((v): 0 | 1 | -1 => (v === 'all' || v === '-1' || v === -1 ? -1 : (Number(v) as 0 | 1)));

const producerSpec = z
  .object({
    /** Names the producer in results and in `expect` keys such as lost@<name>. */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a lower-case name with dashes')
      .default('producer'),
    /** `child` runs it in a process of its own, which faults such as kill-producer can kill. */
    process: z.enum(['harness', 'child']).default('harness'),
    acks,
    idempotent: z.boolean().default(false),
    maxInFlightRequests: z.number().int().min(1).optional(),
    rate: z.number().positive().default(200),
    concurrency: z.number().int().min(1).max(1000).default(8),
    messageBytes: z.number().int().min(8).max(10_000_000).default(100),
    retries: z.number().int().min(0).default(5),
    requestTimeoutMs: z.number().int().positive().default(15_000),
    ackTimeoutMs: z.number().int().positive().default(10_000),
    compression: z.enum(['none', 'gzip']).default('none'),
  })
  .strict();

/** The sections as fields of the experiment object (schema.ts spreads them into it). */
export const sectionFields = {
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a lower-case name with dashes, equal to the file name'),
  description: z.string().min(1),
  /** `quick`: part of `nightly --quick`. */
  tags: z.array(z.enum(['quick'])).default([]),
  /** Brokers that cannot run this experiment, and why (reported as "not applicable"). */
  notApplicable: z.partialRecord(z.enum(['kafka', 'broker-ts']), z.string()).default({}),
  cluster: z
    .object({
      nodes: z.number().int().min(1).max(9).default(3),
      broker: configMap,
    })
    .strict()
    .default({ nodes: 3, broker: {} }),
  topic: z
    .object({
      name: z
        .string()
        .regex(/^[A-Za-z0-9._-]+$/)
        .default('chaos'),
      partitions: z.number().int().min(1).max(1000).default(1),
      replicationFactor: z.number().int().min(1).default(3),
      config: configMap,
    })
    .strict()
    .default({ name: 'chaos', partitions: 1, replicationFactor: 3, config: {} }),
  producer: producerSpec.optional(),
  producers: z.array(producerSpec).min(1).optional(),
  workload: z
    .object({
      duration,
      /** How long outstanding sends may take to finish after the workload stops. */
      settle: duration.default(20_000),
      /** How long to wait for the cluster to recover after the final heal. */
      recovery: duration.default(90_000),
    })
    .strict(),
  /** A consumer group whose members journal what they process, to measure lost processing. */
  consumers: z
    .object({
      members: z.number().int().min(1).max(20).default(3),
      commit: z.enum(COMMIT_MODES as [CommitMode, ...CommitMode[]]),
      processingMs: z.number().int().min(0).default(10),
      /** The classic protocol's session timeout; a consumer-protocol group's is the brokers' group.consumer.session.timeout.ms. */
      sessionTimeoutMs: z.number().int().min(1000).default(3000),
      /** The members' client: kafkajs, or Kafka's own Java client (the harness's pinned release). */
      client: z.enum(['kafkajs', 'java']).default('kafkajs'),
      /** classic (JoinGroup/SyncGroup) or consumer (KIP-848's ConsumerGroupHeartbeat; Java client only). */
      groupProtocol: z.enum(['classic', 'consumer']).default('classic'),
    })
    .strict()
    .refine((c) => c.groupProtocol === 'classic' || c.client === 'java', {
      message: 'groupProtocol "consumer" needs client "java" (kafkajs has only the classic protocol)',
      path: ['groupProtocol'],
    })
    .optional(),
  /**
   * An exactly-once consume-transform-produce pipeline from the topic to `<topic>-out`, with
   * kafkajs transactions; some transactions are aborted on purpose.
   */
  pipeline: z
    .object({
      workers: z.number().int().min(1).max(10).default(2),
      batch: z.number().int().min(1).max(1000).default(10),
      abortEvery: z.number().int().min(0).default(5),
      partitioning: z.enum(['same-as-input', 'kafkajs-default']).default('same-as-input'),
      sessionTimeoutMs: z.number().int().min(1000).default(3000),
      transactionTimeoutMs: z.number().int().min(1000).default(10_000),
    })
    .strict()
    .optional(),
  /**
   * Changes to the cluster's metadata alongside the load (a topic created every
   * `createTopicEvery`), and a watch on the metadata quorum, to judge the quorum itself: every
   * acknowledged creation kept, one leader per epoch.
   */
  metadata: z
    .object({
      createTopicEvery: duration.default(500),
    })
    .strict()
    .optional(),
};

const sections = z.object(sectionFields);

/** An experiment as fault kinds and workloads see it: its sections, with the producers as one list. */
export type ExperimentParts = Omit<z.output<typeof sections>, 'producer' | 'producers'> & { producers: ProducerSpec[] };
export type ProducerSpec = z.output<typeof producerSpec>;
