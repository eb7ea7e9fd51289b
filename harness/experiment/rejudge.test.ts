// `kafka-chaos check` on hand-made runs: a clean history passes, and the same history edited to
// hold any one anomaly class fails, naming that class; a run stored on disk judged again reaches
// the verdict it had.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANOMALY_CLASSES } from '../checker/anomaly-classes.js';
import type { Operation } from '../history/operation.js';
import type { RunResult } from '../report/result.js';
import { judgeHistoryFile, rejudgeRun } from './rejudge.js';
import { experimentSchema, type Experiment } from './schema.js';

const root = mkdtempSync(join(tmpdir(), 'kafka-chaos-check-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PARTITIONS = 2;
const PER_PARTITION = 6;

interface Run {
  ops: Operation[];
  journal: { member: string; partition: number; offset: number; id: number }[];
}

/**
 * Two producer processes each send 6 messages, one partition each; the drain reads each partition
 * in two batches; a consumer member reads and journals everything; a pipeline commits one
 * transaction per partition and aborts one; the metadata workload creates two topics.
 */
function cleanRun(): Run {
  const ops: Operation[] = [];
  let time = 0;
  for (let p = 0; p < PARTITIONS; p++) {
    for (let o = 0; o < PER_PARTITION; o++) {
      const id = p * 100 + o;
      ops.push({ f: 'send', type: 'invoke', process: p, time: ++time, id, partition: p });
      ops.push({ f: 'send', type: 'ok', process: p, time: ++time, id, partition: p, offset: o });
    }
  }
  ops.push({ f: 'fault', type: 'invoke', process: 'nemesis', time: ++time, fault: 'kill', nodes: [2] });
  ops.push({ f: 'fault', type: 'ok', process: 'nemesis', time: ++time, fault: 'kill', nodes: [2], detail: 'node 2: pid 7 gone' });
  ops.push({ f: 'heal', type: 'ok', process: 'nemesis', time: ++time, fault: 'kill', nodes: [2], detail: 'node 2: pid 8 running (was pid 7)' });
  const reads = (p: number, from: number, to: number) =>
    Array.from({ length: to - from }, (_, i): [number, number, number] => [p, from + i, p * 100 + from + i]);
  for (let p = 0; p < PARTITIONS; p++) {
    ops.push({ f: 'poll', type: 'ok', process: -1, time: ++time, consumer: 'drain', generation: 1, reads: reads(p, 0, 3) });
    ops.push({ f: 'poll', type: 'ok', process: -1, time: ++time, consumer: 'drain', generation: 1, reads: reads(p, 3, PER_PARTITION) });
    for (const read of reads(p, 0, PER_PARTITION))
      ops.push({ f: 'poll', type: 'ok', process: -2, time: ++time, consumer: 'member-1#0', generation: 1, reads: [read] });
  }
  // The pipeline: one committed transaction per partition, one aborted on purpose.
  for (let p = 0; p < PARTITIONS; p++) {
    const inputs = reads(p, 0, PER_PARTITION);
    ops.push({ f: 'txn', type: 'invoke', process: 'worker-1#0', time: ++time, txn: `aborted-${p}`, inputs });
    ops.push({ f: 'txn', type: 'fail', process: 'worker-1#0', time: ++time, txn: `aborted-${p}`, error: 'aborted on purpose' });
    ops.push({ f: 'txn', type: 'invoke', process: 'worker-1#0', time: ++time, txn: `t-${p}`, inputs });
    ops.push({ f: 'txn', type: 'ok', process: 'worker-1#0', time: ++time, txn: `t-${p}` });
    for (const isolation of ['committed', 'uncommitted'] as const) {
      const txns = isolation === 'committed' ? [`t-${p}`] : [`aborted-${p}`, `t-${p}`];
      const out = txns.flatMap((txn) => inputs.map(([, , id]) => [id, txn] as const));
      ops.push({
        f: 'poll',
        type: 'ok',
        process: -1,
        time: ++time,
        topic: 'chaos-out',
        isolation,
        reads: out.map(([id], i) => [p, i, id]),
        txns: out.map(([, txn]) => txn),
      });
    }
  }
  // The metadata workload: two topics created, one quorum epoch, every node read at the end.
  for (const topic of ['chaos-meta-1', 'chaos-meta-2']) {
    ops.push({ f: 'create-topic', type: 'invoke', process: 'metadata', time: ++time, topic });
    ops.push({ f: 'create-topic', type: 'ok', process: 'metadata', time: ++time, topic });
  }
  for (const node of [1, 2, 3]) ops.push({ f: 'quorum', type: 'ok', process: 'observer', time: ++time, node, epoch: 1, leader: 1, voted: 1 });
  for (const node of [1, 2, 3]) {
    ops.push({
      f: 'metadata-read',
      type: 'ok',
      process: 'metadata',
      time: ++time,
      node,
      topics: ['chaos-meta-1', 'chaos-meta-2'],
      batches: [
        [0, 1, 0xaa],
        [1, 1, 0xbb],
      ],
    });
  }
  const journal = ops.flatMap((op) =>
    op.f === 'poll' && op.consumer === 'member-1#0' ? op.reads.map(([partition, offset, id]) => ({ member: 'member-1#0', partition, offset, id })) : [],
  );
  return { ops, journal };
}

const definition: Experiment = experimentSchema.parse({
  name: 'hand-made',
  description: 'A hand-made run with a producer, a consumer group and a pipeline.',
  topic: { partitions: PARTITIONS },
  producer: { acks: 'all' },
  consumers: { members: 1, commit: 'after-processing' },
  pipeline: { workers: 1 },
  metadata: {},
  workload: { duration: '10s' },
  expect: { lost: 0 },
});

let runs = 0;
/** Writes a stored run (history, journal, result.json) as a run would, and judges it again. */
async function judge(run: Run): Promise<RunResult> {
  const dir = join(root, `run-${++runs}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'history.jsonl'), run.ops.map((op) => JSON.stringify(op)).join('\n') + '\n');
  writeFileSync(join(dir, 'journal-member-1-0.jsonl'), run.journal.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const committed = Object.fromEntries(Array.from({ length: PARTITIONS }, (_, p) => [p, PER_PARTITION]));
  const stored = {
    ...(await judgeHistoryFile(join(dir, 'history.jsonl'), definition)),
    files: { history: 'history.jsonl', logs: 'nodes/', histories: ['history.jsonl'], journals: ['journal-member-1-0.jsonl'] },
    committedOffsets: { group: committed, pipeline: committed },
  };
  writeFileSync(join(dir, 'result.json'), JSON.stringify(stored));
  return rejudgeRun(dir);
}

type Edit = (run: Run) => void;
const sends = (run: Run) => run.ops.filter((op): op is Extract<Operation, { f: 'send' }> => op.f === 'send');
const drainPolls = (run: Run) => run.ops.filter((op): op is Extract<Operation, { f: 'poll' }> => op.f === 'poll' && op.consumer === 'drain');
const memberPolls = (run: Run) => run.ops.filter((op): op is Extract<Operation, { f: 'poll' }> => op.f === 'poll' && op.consumer === 'member-1#0');
const txn = (run: Run, name: string) =>
  run.ops.find((op): op is Extract<Operation, { f: 'txn' }> => op.f === 'txn' && op.txn === name && op.type !== 'invoke')!;
const output = (run: Run, p: number) =>
  run.ops.find((op): op is Extract<Operation, { f: 'poll' }> => op.f === 'poll' && op.isolation === 'committed' && op.reads[0]![0] === p)!;

/** One edit per anomaly class, each the smallest change to the clean run that shows it. */
const EDITS: Record<string, Edit> = {
  // The member read the last message of partition 0; the drain, at the end, finds it nowhere.
  lostReads: (r) => {
    drainPolls(r)[1]!.reads.pop();
  },
  // The last message of partition 0 is acknowledged and never read, by the drain or the member: unseen, not truncated.
  lost: (r) => {
    drainPolls(r)[1]!.reads.pop();
    r.ops = r.ops.filter((op) => !(op.f === 'poll' && op.consumer === 'member-1#0' && op.reads[0]![0] === 0 && op.reads[0]![1] === PER_PARTITION - 1));
  },
  // Offset 4 of partition 0 never read although offset 5 was (and nobody else read it).
  lostWrites: (r) => {
    drainPolls(r)[1]!.reads.splice(1, 1);
    r.ops = r.ops.filter((op) => !(op.f === 'poll' && op.consumer === 'member-1#0' && op.reads[0]![0] === 0 && op.reads[0]![1] === 4));
  },
  duplicated: (r) => drainPolls(r)[1]!.reads.push([0, 6, 3]),
  offsetMismatches: (r) => {
    const ack = sends(r).find((s) => s.type === 'ok' && s.id === 3)!;
    ack.offset = 50;
  },
  // The client said ok for message 5, but no broker answered, and it is nowhere.
  phantomAcks: (r) => {
    const ack = sends(r).find((s) => s.type === 'ok' && s.id === 5)!;
    delete ack.offset;
    ack.unanswered = true;
    drainPolls(r)[1]!.reads.pop();
    r.ops = r.ops.filter((op) => !(op.f === 'poll' && op.consumer === 'member-1#0' && op.reads[0]![0] === 0 && op.reads[0]![1] === 5));
  },
  inconsistentOffsets: (r) => r.ops.push({ f: 'poll', type: 'ok', process: -1, time: 1e6, consumer: 'second-reader', generation: 1, reads: [[0, 2, 101]] }),
  unexpected: (r) => drainPolls(r)[1]!.reads.push([0, 6, 9999]),
  failedButRead: (r) => {
    const ack = sends(r).find((s) => s.type === 'ok' && s.id === 3)!;
    Object.assign(ack, { type: 'fail', error: 'refused' });
    delete ack.offset;
  },
  // Process 0's messages 1 and 2 acknowledged at 1 and 2 but stored (and read) the other way round.
  reordered: (r) => {
    for (const poll of [...drainPolls(r), ...memberPolls(r)])
      for (const read of poll.reads) if (read[0] === 0 && (read[1] === 1 || read[1] === 2)) read[2] = read[1] === 1 ? 2 : 1;
    for (const s of sends(r)) if (s.type === 'ok' && s.partition === 0 && (s.id === 1 || s.id === 2)) s.offset = s.id === 1 ? 2 : 1;
  },
  pollSkips: (r) => {
    const skipped = memberPolls(r).find((p) => p.reads[0]![0] === 0 && p.reads[0]![1] === 2)!;
    r.ops.splice(r.ops.indexOf(skipped), 1);
  },
  nonmonotonicPolls: (r) => r.ops.splice(r.ops.indexOf(memberPolls(r)[3]!) + 1, 0, { ...memberPolls(r)[1]!, reads: [[0, 1, 1]] }),
  corruptedValues: (r) => Object.assign(drainPolls(r)[0]!, { corrupt: [0] }),
  intPollSkips: (r) => drainPolls(r)[0]!.reads.splice(1, 1),
  intNonmonotonicPolls: (r) => drainPolls(r)[0]!.reads.reverse(),
  processedLost: (r) => r.journal.splice(2, 1),
  processedDuplicates: (r) => r.journal.push(r.journal[0]!),
  // A second member reads partition 0 while member-1#0, in the same assignment, is still reading it.
  splitOwnership: (r) => {
    const during = memberPolls(r)[2]!;
    r.ops.push({ f: 'poll', type: 'ok', process: -2, time: during.time + 0.5, consumer: 'member-2#0', generation: 1, reads: [[0, 2, 2]] });
  },
  abortedReads: (r) => {
    const out = output(r, 0);
    out.reads.push([0, 99, 0]);
    out.txns!.push('aborted-0');
  },
  tornTransactions: (r) => {
    output(r, 1).reads.pop();
    output(r, 1).txns!.pop();
  },
  lostCommittedTransactions: (r) => {
    const out = output(r, 1);
    r.ops.splice(r.ops.indexOf(out), 1);
  },
  outputDuplicates: (r) => {
    const out = output(r, 0);
    out.reads.push([0, 99, 0]);
    out.txns!.push('t-0');
  },
  missingOutputs: (r) => {
    Object.assign(txn(r, 't-1'), { type: 'fail' });
    const out = output(r, 1);
    r.ops.splice(r.ops.indexOf(out), 1);
  },
  // Node 3 no longer lists a topic whose creation was acknowledged.
  lostTopics: (r) => {
    const read = r.ops.find((op): op is Extract<Operation, { f: 'metadata-read' }> => op.f === 'metadata-read' && op.node === 3)!;
    read.topics = ['chaos-meta-1'];
  },
  // Node 2's quorum-state names itself leader of the epoch node 1 leads.
  splitEpochs: (r) => r.ops.push({ f: 'quorum', type: 'ok', process: 'observer', time: 1e6, node: 2, epoch: 1, leader: 2, voted: 2 }),
};

describe('kafka-chaos check on hand-made histories', () => {
  it('passes the clean run, with its fault and its evidence', async () => {
    const r = await judge(cleanRun());
    expect(r.verdict, r.reason).toBe('pass');
    expect(r.anomalyClasses.map((a) => a.name).sort()).toEqual(ANOMALY_CLASSES.map((c) => c.name).sort());
    expect(r.anomalyClasses.filter((a) => a.count > 0)).toEqual([]);
    expect(r.faults).toMatchObject([{ fault: 'kill', nodes: [2], evidence: ['node 2: pid 7 gone'], healedAt: expect.any(Number) }]);
  });

  it('has an edit for every anomaly class', () => {
    expect(Object.keys(EDITS).sort()).toEqual(ANOMALY_CLASSES.map((c) => c.name).sort());
  });

  for (const [name, edit] of Object.entries(EDITS)) {
    it(`fails a history edited to hold ${name}, naming it`, async () => {
      const run = cleanRun();
      edit(run);
      const r = await judge(run);
      expect(r.verdict, r.reason).toBe('fail');
      expect(r.anomalyClasses.find((a) => a.name === name)?.count, JSON.stringify(r.anomalyClasses.filter((a) => a.count > 0))).toBeGreaterThan(0);
      expect(r.reason).toContain(`${name} `);
    });
  }

  it('an allowed class is reported apart, with its reason, and does not fail the run', async () => {
    const run = cleanRun();
    EDITS.duplicated!(run);
    const allowing = { ...definition, allow: { duplicated: 'retries without idempotence store some writes twice' } };
    const dir = join(root, 'allowed');
    mkdirSync(dir);
    writeFileSync(join(dir, 'history.jsonl'), run.ops.map((op) => JSON.stringify(op)).join('\n') + '\n');
    const r = await judgeHistoryFile(join(dir, 'history.jsonl'), { ...allowing, consumers: undefined, pipeline: undefined });
    expect(r.verdict, r.reason).toBe('pass');
    expect(r.anomalyClasses.find((a) => a.name === 'duplicated')).toMatchObject({
      count: 1,
      allowedBecause: 'retries without idempotence store some writes twice',
    });
    expect(r.reason).toContain('allowed: duplicated 1');
  });

  it('an unsound history (a message invoked twice, as after appending to a used run folder) is an error', async () => {
    const run = cleanRun();
    run.ops.push(...run.ops.filter((op) => op.f === 'send').map((op) => ({ ...op })));
    const r = await judge(run);
    expect(r.verdict).toBe('error');
    expect(r.reason).toMatch(/the history is unsound: message 0 invoked twice/);
  });

  it('a fault that did not strike makes the run an error', async () => {
    const run = cleanRun();
    const ok = run.ops.find((op) => op.f === 'fault' && op.type === 'ok')!;
    Object.assign(ok, { type: 'fail', detail: 'did not strike: node 2 is running (pid 7), expected gone' });
    const r = await judge(run);
    expect(r.verdict).toBe('error');
    expect(r.reason).toContain('a fault did not strike: step 0 (kill of node 2): did not strike: node 2 is running');
  });

  it('judging a stored run again gives the verdict it had, and rewrites its result.json', async () => {
    const run = cleanRun();
    EDITS.lost!(run);
    const first = await judge(run);
    const dir = join(root, `run-${runs}`);
    const again = await rejudgeRun(dir);
    expect(again.verdict).toBe(first.verdict);
    expect(again.reason).toBe(first.reason);
    expect(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')).verdict).toBe('fail');
  });
});
