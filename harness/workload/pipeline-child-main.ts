// One worker of a consume-transform-produce pipeline with kafkajs transactions: it reads input
// records (read_committed), writes one output record per input and commits the input offsets in
// the same transaction. Every transaction is recorded in this worker's history; some are aborted
// on purpose. A fault may kill or freeze the process in the middle of one.
import { kafkaClient } from '../clients/kafkajs.js';
import { HistoryRecorder } from '../history/recorder.js';
import type { ClientSecurity } from '../security/cluster-security.js';
import { decodeMessageId } from './message.js';
import { sleep } from '../wait.js';
import { FENCED_EXIT_STATUS } from './exit-status.js';

export interface PipelineWorkerConfig {
  /** worker-1#0: the worker slot and its incarnation. */
  process: string;
  brokers: string[];
  groupId: string;
  inputTopic: string;
  outputTopic: string;
  transactionalId: string;
  /** Input records per transaction, at most. */
  batch: number;
  /** Every n-th transaction of this process is aborted on purpose (0: none). */
  abortEvery: number;
  /** Where output records go: the input record's partition, or wherever kafkajs's partitioner puts them. */
  partitioning: 'same-as-input' | 'kafkajs-default';
  historyFile: string;
  epochMs: number;
  sessionTimeoutMs: number;
  transactionTimeoutMs: number;
  security?: ClientSecurity;
}

const config = JSON.parse(process.argv[2] ?? '{}') as PipelineWorkerConfig;
const recorder = new HistoryRecorder(config.historyFile, config.epochMs);
const kafka = kafkaClient(`kafka-chaos-${config.process}`, config.brokers, { requestTimeout: 15_000 }, config.security);
const newProducer = () =>
  kafka.producer({
    transactionalId: config.transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    transactionTimeout: config.transactionTimeoutMs,
    retry: { retries: 5 },
  });
let producer = newProducer();

/**
 * After a transaction that could not be aborted, the producer may still hold it open, and its next
 * commit would commit that one too. A new producer with the same transactional.id starts with
 * InitProducerId, which fences the old epoch and makes the coordinator abort what it left open.
 */
async function replaceProducer(): Promise<void> {
  await producer.disconnect().catch(() => {});
  producer = newProducer();
  for (;;) {
    try {
      await producer.connect();
      return;
    } catch {
      await sleep(500);
    }
  }
}
const consumer = kafka.consumer({
  groupId: config.groupId,
  sessionTimeout: config.sessionTimeoutMs,
  heartbeatInterval: Math.max(100, Math.floor(config.sessionTimeoutMs / 5)),
  maxWaitTimeInMs: 250,
  readUncommitted: false,
});

const FENCED = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH']);

/**
 * Errors after which the transaction certainly did not commit, when they come before the commit
 * was asked for. An error of the commit itself proves nothing: once the coordinator has the
 * EndTxn, it completes the commit even if this producer is fenced meanwhile (a zombie resumed
 * after its replacement fenced it is told PRODUCER_FENCED, and its transaction is committed).
 */
const NOT_COMMITTED = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'INVALID_TXN_STATE', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED']);

function errorType(err: unknown): string {
  let e = err as { type?: string; name?: string; cause?: unknown; originalError?: unknown } | undefined;
  for (let i = 0; i < 4 && e; i++) {
    if (e.type) return e.type;
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return (err as Error)?.name ?? 'Error';
}

let sequence = 0;
await producer.connect();
await consumer.connect();
await consumer.subscribe({ topic: config.inputTopic, fromBeginning: true });
// Tells the harness when this member has (re)joined the group, so the workload can wait for a
// settled group before it starts.
consumer.on(consumer.events.GROUP_JOIN, () => process.stdout.write('joined\n'));
await consumer.run({
  autoCommit: false,
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
    for (let start = 0; start < batch.messages.length; start += config.batch) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + config.batch);
      const txn = `${config.process}-${++sequence}`;
      const inputs = chunk.map((m): [number, number, number] => [batch.partition, Number(m.offset), decodeMessageId(m.value)]);
      recorder.record({ f: 'txn', type: 'invoke', process: config.process, time: recorder.now(), txn, inputs });
      const abort = config.abortEvery > 0 && sequence % config.abortEvery === 0;
      const transaction = await producer.transaction();
      let committing = false;
      try {
        // By default output goes to the input's partition: kafkajs's round-robin partitioner
        // assigns records afresh when it retries a send, scattering one transaction's records.
        await transaction.send({
          topic: config.outputTopic,
          messages: inputs.map(([partition, , id]) => ({ ...(config.partitioning === 'same-as-input' ? { partition } : {}), value: `${id}|${txn}` })),
        });
        await transaction.sendOffsets({
          consumerGroupId: config.groupId,
          topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(chunk[chunk.length - 1]!.offset) + 1n).toString() }] }],
        });
        if (abort) {
          await transaction.abort();
          recorder.record({ f: 'txn', type: 'fail', process: config.process, time: recorder.now(), txn, error: 'aborted on purpose' });
          // Read the chunk again: its offsets were not committed.
          consumer.seek({ topic: batch.topic, partition: batch.partition, offset: chunk[0]!.offset });
          return;
        }
        committing = true;
        await transaction.commit();
        recorder.record({ f: 'txn', type: 'ok', process: config.process, time: recorder.now(), txn });
      } catch (err) {
        const type = errorType(err);
        recorder.record({
          f: 'txn',
          type: !committing && NOT_COMMITTED.has(type) ? 'fail' : 'info',
          process: config.process,
          time: recorder.now(),
          txn,
          error: `${type}: ${(err as Error).message}`.slice(0, 300),
        });
        if (FENCED.has(type)) {
          // Another instance owns this transactional.id now: a fenced producer must stop, as
          // Kafka's documentation prescribes, or it would fence its replacement in turn.
          await recorder.close();
          process.exit(FENCED_EXIT_STATUS);
        }
        if (transaction.isActive()) await transaction.abort().catch(() => replaceProducer());
        throw err;
      }
      resolveOffset(chunk[chunk.length - 1]!.offset);
      await heartbeat();
    }
  },
});
process.stdout.write('ready\n');

process.on('SIGTERM', () => {
  void Promise.race([Promise.all([consumer.disconnect(), producer.disconnect()]), sleep(3000)])
    .then(() => recorder.close())
    .finally(() => process.exit(0));
});
process.on('SIGINT', () => {});
