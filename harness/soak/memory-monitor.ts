// The resident memory of every node of a cluster, sampled for as long as a soak runs, and whether
// it stays flat. Nodes the nemesis kills come back as new processes, so samples are grouped by
// incarnation (node and pid); an incarnation is judged once it has run long enough past its warm-up
// (a JVM grows its heap for a while after start, and so does a Node.js process).
import type { Cluster } from '../runtime/cluster.js';
import { residentBytes } from '../runtime/proc.js';

export interface MemorySample {
  /** Milliseconds since the soak started. */
  at: number;
  node: number;
  pid: number;
  rssMb: number;
}

export interface IncarnationTrend {
  node: number;
  pid: number;
  fromMs: number;
  toMs: number;
  samples: number;
  startMb: number;
  endMb: number;
  maxMb: number;
  /** Least-squares slope of the samples after the warm-up. */
  slopeMbPerHour: number;
  /** Long enough after its warm-up to be judged. */
  judged: boolean;
}

export interface MemoryJudgement {
  trends: IncarnationTrend[];
  /** Every judged incarnation grew less than the limit. Undefined: nothing ran long enough to tell. */
  flat: boolean | undefined;
  reason: string;
}

export interface MemoryLimits {
  /** Growth beyond this, sustained, is a leak. */
  maxSlopeMbPerHour: number;
  /** Samples of an incarnation's first minutes are not judged (nor those of the first half of its life). */
  warmupMs: number;
  /** An incarnation needs this much judged time to be judged. */
  minJudgedMs: number;
}

export class MemoryMonitor {
  readonly samples: MemorySample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cluster: Cluster,
    private readonly origin: number,
    private readonly intervalMs = 5000,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  private sample(): void {
    const at = Math.round(performance.now() - this.origin);
    for (const node of this.cluster.nodeIds()) {
      const pid = this.cluster.node(node).pid;
      const bytes = pid === undefined ? undefined : residentBytes(pid);
      if (pid !== undefined && bytes !== undefined) this.samples.push({ at, node, pid, rssMb: Math.round(bytes / 1024 / 1024) });
    }
  }
}

export function judgeMemory(samples: readonly MemorySample[], limits: MemoryLimits): MemoryJudgement {
  const incarnations = new Map<string, MemorySample[]>();
  for (const s of samples) {
    const key = `${s.node}/${s.pid}`;
    incarnations.set(key, [...(incarnations.get(key) ?? []), s]);
  }
  const trends: IncarnationTrend[] = [...incarnations.values()].map((list) => {
    const first = list[0]!;
    // Judged on the second half of its life (at least its warm-up later): a Node.js or JVM process
    // keeps growing its heap for tens of minutes until garbage collection settles on a working
    // set, which is not a leak; a leak still grows in the second half.
    const from = Math.max(limits.warmupMs, (list.at(-1)!.at - first.at) / 2);
    const settled = list.filter((s) => s.at - first.at >= from);
    const span = settled.length > 1 ? settled.at(-1)!.at - settled[0]!.at : 0;
    return {
      node: first.node,
      pid: first.pid,
      fromMs: first.at,
      toMs: list.at(-1)!.at,
      samples: list.length,
      startMb: first.rssMb,
      endMb: list.at(-1)!.rssMb,
      maxMb: Math.max(...list.map((s) => s.rssMb)),
      slopeMbPerHour: Math.round(slope(settled) * 10) / 10,
      judged: span >= limits.minJudgedMs,
    };
  });
  const judged = trends.filter((t) => t.judged);
  if (judged.length === 0) {
    return {
      trends,
      flat: undefined,
      reason: `no node ran ${Math.round(Math.max(limits.warmupMs + limits.minJudgedMs, 2 * limits.minJudgedMs) / 60_000)} minutes without a restart: too short to judge`,
    };
  }
  const growing = judged.filter((t) => t.slopeMbPerHour > limits.maxSlopeMbPerHour);
  if (growing.length > 0) {
    const worst = growing.reduce((a, b) => (b.slopeMbPerHour > a.slopeMbPerHour ? b : a));
    return {
      trends,
      flat: false,
      reason: `node ${worst.node} (pid ${worst.pid}) grew ${worst.slopeMbPerHour} MB/hour, over the limit of ${limits.maxSlopeMbPerHour}`,
    };
  }
  const steepest = Math.max(...judged.map((t) => t.slopeMbPerHour));
  return { trends, flat: true, reason: `${judged.length} node incarnations judged; the steepest grew ${steepest} MB/hour (limit ${limits.maxSlopeMbPerHour})` };
}

/** MB per hour, by least squares. */
function slope(samples: readonly MemorySample[]): number {
  if (samples.length < 2) return 0;
  const xs = samples.map((s) => s.at / 3_600_000);
  const ys = samples.map((s) => s.rssMb);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const sxy = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0);
  return sxx === 0 ? 0 : sxy / sxx;
}
