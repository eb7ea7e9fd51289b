// Entry point of one consumer-group member in a process of its own, so that a fault can kill it
// mid-stream. Processing a message means appending it to this member's durable journal; when the
// offset is committed relative to that is the experiment's variable.
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { kafkaClient } from '../clients/kafkajs.js';
import { HistoryRecorder } from '../history/recorder.js';
import type { ClientSecurity } from '../security/cluster-security.js';
import type { CommitMode } from './commit-modes.js';
import { decodeMessageId, isIntactMessage } from './message.js';
import { sleep } from '../wait.js';

export interface ConsumerMemberConfig {
  member: string;
  brokers: string[];
  security?: ClientSecurity;
  groupId: string;
  topic: string;
  commit: CommitMode;
  processingMs: number;
  journalFile: string;
  /** Where this member records what was delivered to it, as poll operations. */
  historyFile: string;
  epochMs: number;
  sessionTimeoutMs: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ConsumerMemberConfig;
// A journal is never appended to: a member's next incarnation writes a file of its own.
const journal = openSync(config.journalFile, 'wx');
const history = new HistoryRecorder(config.historyFile, config.epochMs);
/** Group joins so far: delivery order is only promised within one assignment. */
let generation = 0;

/** The work a message stands for: it is done once its line is on disk. */
async function handle(partition: number, offset: string, value: Buffer | null): Promise<void> {
  // The harness counts work in progress from these lines, so that a fault can strike in the middle of it.
  process.stdout.write('processing\n');
  await sleep(config.processingMs);
  writeSync(journal, `${JSON.stringify({ member: config.member, partition, offset: Number(offset), id: decodeMessageId(value), time: Date.now() })}\n`);
  fdatasyncSync(journal);
  process.stdout.write('processed\n');
}

const consumer = kafkaClient(`kafka-chaos-${config.member}`, config.brokers, { requestTimeout: 10_000 }, config.security).consumer({
  groupId: config.groupId,
  sessionTimeout: config.sessionTimeoutMs,
  heartbeatInterval: Math.max(100, Math.floor(config.sessionTimeoutMs / 5)),
  maxWaitTimeInMs: 250,
  retry: { retries: 20 },
});
const auto = config.commit === 'auto-awaited' || config.commit === 'auto-unawaited';
consumer.on(consumer.events.GROUP_JOIN, () => generation++);

await consumer.connect();
await consumer.subscribe({ topic: config.topic, fromBeginning: true });
await consumer.run({
  autoCommit: auto,
  autoCommitInterval: 500,
  eachMessage: async ({ topic, partition, message }) => {
    history.record({
      f: 'poll',
      type: 'ok',
      process: -2,
      consumer: config.member,
      generation,
      time: history.now(),
      reads: [[partition, Number(message.offset), decodeMessageId(message.value)]],
      ...(isIntactMessage(message.value) ? {} : { corrupt: [0] }),
    });
    const next = (BigInt(message.offset) + 1n).toString();
    switch (config.commit) {
      case 'before-processing':
        await consumer.commitOffsets([{ topic, partition, offset: next }]);
        await handle(partition, message.offset, message.value);
        break;
      case 'after-processing':
        await handle(partition, message.offset, message.value);
        await consumer.commitOffsets([{ topic, partition, offset: next }]);
        break;
      case 'auto-awaited':
        await handle(partition, message.offset, message.value);
        break;
      case 'auto-unawaited':
        // The handler returns before its work is done: kafkajs counts the message as processed.
        void handle(partition, message.offset, message.value);
        break;
    }
  },
});
process.stdout.write('ready\n');

process.on('SIGTERM', () => {
  // Leaving the group is polite but must not hold up the end of a run.
  const leave = Promise.race([consumer.disconnect(), sleep(3000)]);
  void leave.finally(async () => {
    closeSync(journal);
    await history.close();
    process.exit(0);
  });
});
process.on('SIGINT', () => {});
