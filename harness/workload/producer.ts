import { setMaxListeners } from 'node:events';
import type { CompressionTypes, Kafka, Producer } from 'kafkajs';
import type { HistoryRecorder } from '../history/recorder.js';
import { encodeMessage } from './message.js';
import { IDS_PER_INCARNATION, PROCESSES_PER_INCARNATION, type ProducerIdentity } from './producer-identity.js';
import { RateLimiter } from './rate-limiter.js';
import { classifySendError } from './send-outcome.js';

export interface ProducerSettings {
  topic: string;
  partitions: number;
  /** 0, 1 or -1 (all). */
  acks: 0 | 1 | -1;
  idempotent: boolean;
  maxInFlightRequests?: number;
  /** Messages per second offered by the whole workload. */
  rate: number;
  /** Concurrent sends (Jepsen's client processes); each has one send outstanding at a time. */
  concurrency: number;
  messageBytes: number;
  retries: number;
  /** Broker-side wait for acknowledgements (the produce request's timeout). */
  ackTimeoutMs: number;
  compression: CompressionTypes;
}

/** A running producer workload, in the harness process or in a child process of its own. */
export interface ProducerHandle {
  readonly name: string;
  readonly stats: ProducerStats;
  start(): Promise<void>;
  /** Stops offering new sends and waits up to `settleMs` for outstanding ones. */
  stop(settleMs: number): Promise<void>;
}

export interface ProducerStats {
  invoked: number;
  ok: number;
  fail: number;
  info: number;
  /** Error messages of failed and unknown sends, counted. */
  errors: Record<string, number>;
}

/**
 * kafkajs producers sending unique, numbered messages at a target rate, every send recorded as
 * invoke then ok/fail/info. Message ids and client process numbers come from the workload's
 * identity block, so several workloads (and restarts) share a run without colliding.
 */
export class ProducerWorkload implements ProducerHandle {
  readonly stats: ProducerStats = { invoked: 0, ok: 0, fail: 0, info: 0, errors: {} };
  private producer: Producer | undefined;
  private readonly abort = new AbortController();
  private workers: Promise<void>[] = [];
  private nextId: number;
  private nextProcess: number;

  constructor(
    readonly name: string,
    private readonly kafka: Kafka,
    private readonly recorder: HistoryRecorder,
    private readonly settings: ProducerSettings,
    private readonly identity: ProducerIdentity = { idBase: 0, processBase: 0 },
  ) {
    this.nextId = identity.idBase;
    this.nextProcess = identity.processBase;
  }

  /** A new client process number; past its block the history could not order sends, so the workload stops. */
  private takeProcess(): number {
    if (this.nextProcess >= this.identity.processBase + PROCESSES_PER_INCARNATION) throw new Error(`producer ${this.name}: out of client process numbers`);
    return this.nextProcess++;
  }

  private takeId(): number {
    if (this.nextId >= this.identity.idBase + IDS_PER_INCARNATION) throw new Error(`producer ${this.name}: out of message ids`);
    return this.nextId++;
  }

  async start(): Promise<void> {
    const s = this.settings;
    this.producer = this.kafka.producer({
      idempotent: s.idempotent,
      allowAutoTopicCreation: false,
      retry: { retries: s.retries },
      ...(s.maxInFlightRequests !== undefined ? { maxInFlightRequests: s.maxInFlightRequests } : {}),
    });
    await this.producer.connect();
    const limiter = new RateLimiter(s.rate);
    // Every worker waits on the stop signal at once: that many listeners are expected.
    setMaxListeners(s.concurrency + 10, this.abort.signal);
    for (let w = 0; w < s.concurrency; w++) this.workers.push(this.worker(limiter));
  }

  private async worker(limiter: RateLimiter): Promise<void> {
    const s = this.settings;
    let process = this.takeProcess();
    while (await limiter.take(this.abort.signal)) {
      const id = this.takeId();
      const partition = id % s.partitions;
      this.stats.invoked++;
      const client = this.name;
      this.recorder.record({ f: 'send', type: 'invoke', process, time: this.recorder.now(), client, id, partition });
      try {
        const result = await this.producer!.send({
          topic: s.topic,
          acks: s.acks,
          timeout: s.ackTimeoutMs,
          compression: s.compression,
          messages: [{ partition, value: encodeMessage(id, s.messageBytes) }],
        });
        const meta = result.find((r) => r.partition === partition);
        const offset = meta?.baseOffset !== undefined && s.acks !== 0 ? Number(meta.baseOffset) : undefined;
        this.stats.ok++;
        // kafkajs can resolve send() without having sent to the partition's leader at all (it then
        // returns no result for the partition): what the client said, and that no broker answered.
        const unanswered = s.acks !== 0 && meta === undefined;
        this.recorder.record({
          f: 'send',
          type: 'ok',
          process,
          time: this.recorder.now(),
          client,
          id,
          partition,
          ...(offset !== undefined ? { offset } : {}),
          ...(unanswered ? { unanswered } : {}),
        });
      } catch (err) {
        const { type, error } = classifySendError(err);
        this.stats[type]++;
        const key = error.replace(/\d+/g, 'N').slice(0, 120);
        this.stats.errors[key] = (this.stats.errors[key] ?? 0) + 1;
        this.recorder.record({ f: 'send', type, process, time: this.recorder.now(), client, id, partition, error });
        // An unknown outcome may still complete later; like Jepsen, the process continues under a
        // new identity so that its next send is not ordered after one that may still be in flight.
        if (type === 'info') process = this.takeProcess();
      }
    }
  }

  /** Stops offering new sends and waits up to `settleMs` for outstanding ones to complete. */
  async stop(settleMs: number): Promise<void> {
    this.abort.abort();
    const settled = Promise.all(this.workers);
    const timeout = new Promise<void>((r) => setTimeout(r, settleMs).unref());
    await Promise.race([settled, timeout]);
    await this.producer?.disconnect().catch(() => {});
  }
}
