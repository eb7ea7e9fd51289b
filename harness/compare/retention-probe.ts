// Retention compared on the wire: with log.retention.check.interval.ms short, a partition whose
// records are all older than retention.ms loses every segment (the log start moves to the log end
// and the log goes on from there), one larger than retention.bytes loses its oldest segments while
// it stays at least that large, and neither cleanup.policy=compact nor retention.ms=-1 deletes.
import { ApiKey } from '@kafka-chaos/protocol';
import type { WireClient } from '@kafka-chaos/protocol';
import { sleep } from '../wait.js';
import { ProbeFailed, createTopic, defineProbe, named, observe, produceStored } from './wire-probe.js';

/** What the comparison's brokers run with, so that retention acts within the probe. */
export const RETENTION_CHECK_CONFIG: Readonly<Record<string, string>> = {
  'log.retention.check.interval.ms': '500',
  // Kafka's internal key (its tests set it): the first check 30 s after start-up otherwise.
  'log.initial.task.delay.ms': '0',
};

const HOUR_MS = '3600000';
/** The smallest segment.bytes Kafka 4.x takes. */
const SEGMENT_BYTES = 1_048_576;
/** One record of this many bytes per batch: eleven fill a segment, the twelfth rolls the next. */
const VALUE_BYTES = 90_000;

async function offsets(client: WireClient, topic: string): Promise<{ earliest: string; latest: string }> {
  const at = async (timestamp: bigint) => {
    const r = await client.send(ApiKey.ListOffsets, 8, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }],
    });
    const p = r.topics[0]!.partitions[0]!;
    if (p.errorCode !== 0) throw new ProbeFailed(`ListOffsets ${timestamp} of ${topic}: ${named(p.errorCode)}`);
    return String(p.offset);
  };
  return { earliest: await at(-2n), latest: await at(-1n) };
}

/** The log start offset once it moves from 0, or 0 after 20 s. */
async function earliestOnceMoved(client: WireClient, topic: string): Promise<{ earliest: string; latest: string }> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = await offsets(client, topic);
    if (found.earliest !== '0' || Date.now() > deadline) return found;
    await sleep(250);
  }
}

export const retention = defineProbe({
  name: 'retention',
  title:
    'Retention (cleanup.policy delete): retention.ms deletes every segment of records older than it and the log goes on at its end, retention.bytes deletes the oldest segments while the rest is at least that large; compact and retention.ms -1 keep everything',
  async run({ client }) {
    const old = (value: string, i: number) => ({ key: `k${i}`, value, timestamp: 1000 + i });
    await createTopic(client, 'cmp-ret-time', 1, [{ name: 'retention.ms', value: HOUR_MS }]);
    await createTopic(client, 'cmp-ret-bytes', 1, [
      { name: 'retention.bytes', value: String(SEGMENT_BYTES) },
      { name: 'segment.bytes', value: String(SEGMENT_BYTES) },
    ]);
    await createTopic(client, 'cmp-ret-compact', 1, [
      { name: 'retention.ms', value: HOUR_MS },
      { name: 'cleanup.policy', value: 'compact' },
    ]);
    await createTopic(client, 'cmp-ret-forever', 1, [{ name: 'retention.ms', value: '-1' }]);

    const produced = Date.now();
    for (const topic of ['cmp-ret-time', 'cmp-ret-compact', 'cmp-ret-forever']) await produceStored(client, topic, ['a', 'b', 'c'].map(old));
    for (let b = 0; b < 25; b++) await produceStored(client, 'cmp-ret-bytes', [{ value: Buffer.alloc(VALUE_BYTES, b) }]);

    const byTime = await earliestOnceMoved(client, 'cmp-ret-time');
    const bySize = await earliestOnceMoved(client, 'cmp-ret-bytes');
    // The topics that keep everything are looked at after several checks.
    await sleep(Math.max(0, produced + 3000 - Date.now()));
    const afterTime = await produceStored(client, 'cmp-ret-time', [{ value: 'd' }]).then(() => offsets(client, 'cmp-ret-time'));
    const fetchDeleted = await client.send(ApiKey.Fetch, 12, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: 'cmp-ret-bytes',
          partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }],
        },
      ],
      forgottenTopicsData: [],
      rackId: '',
    });
    const fetched = fetchDeleted.responses[0]!.partitions[0]!;
    return observe({
      'retention.ms 1 hour, records of 1970': byTime,
      'one more record after': afterTime,
      'retention.bytes one segment, 25 batches of 90 kB in 1 MiB segments': bySize,
      'Fetch at offset 0 after': { errorCode: named(fetched.errorCode), logStartOffset: String(fetched.logStartOffset) },
      'cleanup.policy compact, records of 1970': await offsets(client, 'cmp-ret-compact'),
      'retention.ms -1, records of 1970': await offsets(client, 'cmp-ret-forever'),
    });
  },
});
