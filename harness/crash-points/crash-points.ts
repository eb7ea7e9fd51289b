// The crash-point test of broker-ts's storage. One broker-ts node runs on the unsynced filesystem
// with its trace on (every write, truncate, fsync, create, rename and unlink in order) while it
// takes acks=all writes, topic creations and offset commits under a flush policy that fsyncs every
// message. Then crash points are cut from the trace, never from the live process (a process killed
// while it waits on an fsync exits only once the fsync is done, so a live cut cannot land
// everywhere).
// At each point two disks are rebuilt:
//   - power-cut: what a power cut leaves there (only fsynced bytes and names);
//   - torn-write: everything written reached the disk, but the write at the point only in part.
// broker-ts starts on each; recovery must succeed, keep everything acknowledged before the point,
// and take new writes that survive one more crash (recovery-check.ts).
import { mkdirSync, readdirSync, rmSync, writeFileSync, closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from '@kafka-chaos/protocol/seeded-random';
import { log } from '../log.js';
import { startProcessCluster } from '../runtime/process/process-node-driver.js';
import { BrokerTsLauncher } from '../runtime/process/broker-ts-launcher.js';
import { randomClusterId } from '../runtime/process/kafka-launcher.js';
import { DiskModel } from './disk-model.js';
import { checkRecovery, type RecoveryCheck } from './recovery-check.js';
import { bytesOf, readTrace, type Trace, type TraceOp } from './trace.js';
import { DATA_TOPIC, runTracedLoad, type Acknowledged } from './traced-load.js';

export interface CrashPointOptions {
  /** Crash points to try (each gives two disks). */
  points: number;
  seed: number;
  /** How long the traced node takes writes. */
  loadMs: number;
  /** Extra broker-ts settings (a broker.ts.bug.* mutant). */
  brokerConfig?: Record<string, string>;
  /** Where the trace, the nodes' logs and the report go. */
  outDir: string;
}

/** Always in force: the flush policy under which an acknowledged write must survive a power cut. */
export const FLUSH_POLICY = { 'log.flush.interval.messages': '1' };

export interface CrashPointResult extends RecoveryCheck {
  /** Ops of the trace applied (the point is after the first `ops`). */
  ops: number;
  image: 'power-cut' | 'torn-write';
  /** The kind of file the write at the point went to (data segments, metadata log...). */
  cutIn: string;
  /** The write the point cuts: its file and how many of its bytes reached the disk. */
  torn?: { path: string; off: number; kept: number; of: number };
  requiredMessages: number;
  requiredTopics: number;
  requiredCommits: number;
  passed: boolean;
}

export interface CrashPointReport {
  seed: number;
  brokerConfig: Record<string, string>;
  trace: { ops: number; writes: number; fsyncs: number; bytesWritten: number };
  load: { messages: number; topics: number; commits: number };
  results: CrashPointResult[];
  /** Disks broker-ts started on. */
  tried: number;
  failed: number;
}

/**
 * What the node writes, by the files written: each kind gets its share of the crash points, so that
 * the few writes of the metadata log are not drowned by the data partitions'.
 */
const STRATA: readonly [string, RegExp][] = [
  ['data segments', new RegExp(`^${DATA_TOPIC}-\\d+/\\d+\\.log$`)],
  ['data indexes and checkpoints', new RegExp(`^${DATA_TOPIC}-\\d+/`)],
  ['__consumer_offsets', /^__consumer_offsets-/],
  ['metadata log', /^__cluster_metadata-/],
  ['other files', /(?:)/],
];

/** The kind of file a path is (STRATA). */
function kindOf(path: string): string {
  return STRATA.find(([, pattern]) => pattern.test(path))![0];
}

/**
 * `count` crash points among the trace's writes after the data topic was acknowledged, shared
 * evenly among the kinds of file written (STRATA), spread over each kind's writes. A point is the
 * number of ops applied once its write is (its index + 1).
 */
export function choosePoints(trace: Trace, from: number, count: number, random: SeededRandom): number[] {
  const strata = STRATA.map(() => [] as number[]);
  trace.ops.forEach((t, i) => {
    if (t.op.op !== 'write' || t.end <= from) return;
    const path = t.op.path;
    strata[STRATA.findIndex(([, pattern]) => pattern.test(path))]!.push(i + 1);
  });
  // The smallest kinds first: what one cannot use of its share goes to the larger ones.
  const present = strata.filter((s) => s.length > 0).sort((a, b) => a.length - b.length);
  let left = count;
  const points = present.flatMap((candidates, k) => {
    const share = Math.min(candidates.length, k === present.length - 1 ? left : Math.floor(left / (present.length - k)));
    left -= share;
    return spreadPoints(candidates, share, random);
  });
  return points.sort((a, b) => a - b);
}

/** `count` of `candidates`, one in each equal stretch of them (never two in one), where in it chosen by `random`. */
export function spreadPoints(candidates: readonly number[], count: number, random: SeededRandom): number[] {
  if (candidates.length <= count) return [...candidates];
  return Array.from({ length: count }, (_, j) => {
    const from = Math.floor((j * candidates.length) / count);
    const to = Math.floor(((j + 1) * candidates.length) / count);
    return candidates[from + random.int(to - from)]!;
  });
}

function emptyDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
}

/** Writes the first `kept` bytes of a traced write into the image, where it was going. */
function tearInto(dir: string, op: Extract<TraceOp, { op: 'write' }>, data: Buffer, kept: number): void {
  const fd = openSync(join(dir, op.path), 'r+');
  try {
    writeSync(fd, data, 0, kept, op.off ?? 0);
  } finally {
    closeSync(fd);
  }
}

export async function runCrashPoints(options: CrashPointOptions): Promise<CrashPointReport> {
  const random = new SeededRandom(options.seed);
  const brokerConfig = { ...FLUSH_POLICY, ...options.brokerConfig };
  const launcher = new BrokerTsLauncher();
  // The node restarted on a crash image belongs to the traced node's cluster.
  const clusterId = randomClusterId();
  mkdirSync(options.outDir, { recursive: true });

  // 1. The traced run.
  const traced = await startProcessCluster({
    launcher,
    nodes: 1,
    brokerConfig,
    logDir: join(options.outDir, 'traced'),
    unsyncedDisks: true,
    traceDir: options.outDir,
    clusterId,
  });
  const traceFile = join(options.outDir, 'node-1.trace');
  let acknowledged: Acknowledged[];
  try {
    acknowledged = await runTracedLoad(traced, traceFile, options.loadMs, random);
    await traced.kill(1);
  } finally {
    await traced.close();
  }
  // What was acknowledged, and where in the trace: with the trace, every disk can be rebuilt and judged again.
  writeFileSync(join(options.outDir, 'acknowledged.jsonl'), acknowledged.map((a) => JSON.stringify(a)).join('\n') + '\n');
  const trace = readTrace(traceFile);
  const dataTopicAck = acknowledged.find((a) => a.kind === 'topic')!.tracePos;
  const points = choosePoints(trace, dataTopicAck, options.points, random);
  log.info({ ops: trace.ops.length, acknowledged: acknowledged.length, points: points.length }, 'traced run done: replaying crash points');

  // 2. broker-ts on the disk of each crash point.
  const replay = await startProcessCluster({ launcher, nodes: 1, brokerConfig, logDir: join(options.outDir, 'replay'), clusterId });
  const results: CrashPointResult[] = [];
  try {
    const model = new DiskModel(trace);
    const dataDir = replay.dataDir(1);
    const requiredAt = (ops: number) => acknowledged.filter((a) => ops > 0 && a.tracePos <= trace.ops[ops - 1]!.end);
    const tryImage = async (ops: number, image: CrashPointResult['image'], cutIn: string, build: () => CrashPointResult['torn']) => {
      if ((await replay.observeNode(1)).state !== 'gone') await replay.kill(1);
      emptyDir(dataDir);
      const torn = build();
      const required = requiredAt(ops);
      const check = await checkRecovery(replay, required, 60_000);
      const passed =
        check.recovered &&
        check.lostTopics.length === 0 &&
        check.lostMessages.length === 0 &&
        check.changedMessages.length === 0 &&
        check.lostCommits.length === 0 &&
        check.readError === undefined &&
        check.writable;
      const result: CrashPointResult = {
        ops,
        image,
        cutIn,
        ...(torn ? { torn } : {}),
        requiredMessages: required.filter((a) => a.kind === 'message').length,
        requiredTopics: required.filter((a) => a.kind === 'topic').length,
        requiredCommits: required.filter((a) => a.kind === 'commit').length,
        ...check,
        passed,
      };
      results.push(result);
      log.info({ ops, image, passed, required: result.requiredMessages, lost: check.lostMessages.length }, 'crash point tried');
    };
    for (const point of points) {
      // Up to the write the point cuts: that write reached the disk only in part. The model only
      // goes forward, once through each op.
      if (model.applied > point - 1)
        throw new Error(`crash point ${point} is behind the disk model (${model.applied} ops applied): points must be distinct and in order`);
      while (model.applied < point - 1) model.apply(trace.ops[model.applied]!.op);
      const cut = trace.ops[point - 1]!.op as Extract<TraceOp, { op: 'write' }>;
      const data = bytesOf(trace, cut);
      // Some of its bytes and not all: a write lost whole or kept whole is another point's disk.
      const kept = data.length > 1 ? 1 + random.int(data.length - 1) : 0;
      await tryImage(point - 1, 'torn-write', kindOf(cut.path), () => {
        model.writeImage(dataDir, 'everything-written');
        tearInto(dataDir, cut, data, kept);
        return { path: cut.path, off: cut.off ?? 0, kept, of: data.length };
      });
      model.apply(cut);
      await tryImage(point, 'power-cut', kindOf(cut.path), () => {
        model.writeImage(dataDir, 'power-cut');
        return undefined;
      });
    }
  } finally {
    await replay.close();
  }

  const report: CrashPointReport = {
    seed: options.seed,
    brokerConfig,
    trace: {
      ops: trace.ops.length,
      writes: trace.ops.filter((t) => t.op.op === 'write').length,
      fsyncs: trace.ops.filter((t) => t.op.op === 'fsync' || t.op.op === 'fsyncdir').length,
      bytesWritten: trace.data.length,
    },
    load: {
      messages: acknowledged.filter((a) => a.kind === 'message').length,
      topics: acknowledged.filter((a) => a.kind === 'topic').length,
      commits: acknowledged.filter((a) => a.kind === 'commit').length,
    },
    results,
    tried: results.length,
    failed: results.filter((r) => !r.passed).length,
  };
  writeFileSync(join(options.outDir, 'crash-points.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}
