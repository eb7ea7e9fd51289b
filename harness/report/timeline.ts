import type { Operation } from '../history/operation.js';

export interface TimelineBucket {
  /** Start of the bucket, ms since the run started. */
  start: number;
  attempted: number;
  acknowledged: number;
  failed: number;
  indeterminate: number;
  /** Latency of the sends acknowledged in this bucket, ms. */
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface LeaderChange {
  time: number;
  partition: number;
  leader: number;
  /** Leader epoch, -1 when the broker did not report it. */
  epoch: number;
  isr: number[];
}

export interface Timeline {
  bucketMs: number;
  buckets: TimelineBucket[];
  leaders: LeaderChange[];
  /** Longest time between two acknowledgements while sends were being offered, ms. */
  longestOutageMs: number;
  /** Latency over all acknowledged sends, ms. */
  latency: { p50Ms: number | null; p99Ms: number | null; p999Ms: number | null; maxMs: number | null };
}

function percentile(sorted: Float64Array | number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return Math.round(sorted[i]! * 10) / 10;
}

/** Throughput, latency and leadership over time, for plots and availability figures. */
export class TimelineBuilder {
  private readonly invokedAt = new Map<number, number>();
  private readonly perBucket = new Map<number, { b: TimelineBucket; lat: number[] }>();
  private readonly leaders: LeaderChange[] = [];
  private readonly allLatencies: number[] = [];
  private ackTimes: number[] = [];
  private firstInvoke = Infinity;
  private lastInvoke = -Infinity;

  constructor(private readonly bucketMs = 1000) {}

  private bucket(time: number): { b: TimelineBucket; lat: number[] } {
    const start = Math.floor(time / this.bucketMs) * this.bucketMs;
    let entry = this.perBucket.get(start);
    if (!entry) {
      entry = { b: { start, attempted: 0, acknowledged: 0, failed: 0, indeterminate: 0, p50Ms: null, p99Ms: null, maxMs: null }, lat: [] };
      this.perBucket.set(start, entry);
    }
    return entry;
  }

  add(op: Operation): void {
    if (op.f === 'leader') {
      this.leaders.push({ time: op.time, partition: op.partition, leader: op.leader, epoch: op.epoch ?? -1, isr: op.isr ?? [] });
      return;
    }
    if (op.f !== 'send') return;
    if (op.type === 'invoke') {
      this.invokedAt.set(op.id, op.time);
      this.bucket(op.time).b.attempted++;
      if (op.time < this.firstInvoke) this.firstInvoke = op.time;
      if (op.time > this.lastInvoke) this.lastInvoke = op.time;
      return;
    }
    const entry = this.bucket(op.time);
    if (op.type === 'ok') {
      entry.b.acknowledged++;
      this.ackTimes.push(op.time);
      const started = this.invokedAt.get(op.id);
      if (started !== undefined) {
        entry.lat.push(op.time - started);
        this.allLatencies.push(op.time - started);
      }
    } else if (op.type === 'fail') entry.b.failed++;
    else entry.b.indeterminate++;
    this.invokedAt.delete(op.id);
  }

  result(): Timeline {
    const buckets = [...this.perBucket.values()]
      .sort((a, b) => a.b.start - b.b.start)
      .map(({ b, lat }) => {
        lat.sort((x, y) => x - y);
        return { ...b, p50Ms: percentile(lat, 0.5), p99Ms: percentile(lat, 0.99), maxMs: percentile(lat, 1) };
      });
    const acks = this.ackTimes.sort((a, b) => a - b);
    let longest = 0;
    if (Number.isFinite(this.firstInvoke)) {
      let previous = this.firstInvoke;
      for (const t of acks) {
        if (t > this.lastInvoke) break;
        longest = Math.max(longest, t - previous);
        previous = t;
      }
      longest = Math.max(longest, this.lastInvoke - previous);
    }
    const all = Float64Array.from(this.allLatencies).sort();
    return {
      bucketMs: this.bucketMs,
      buckets,
      leaders: this.leaders,
      longestOutageMs: Math.round(longest),
      latency: { p50Ms: percentile(all, 0.5), p99Ms: percentile(all, 0.99), p999Ms: percentile(all, 0.999), maxMs: percentile(all, 1) },
    };
  }
}
