// Sends counted inside a fault step's window: `before` from the workload's start to its injection,
// `during` from its injection until its heal (or the end of the workload when it is healed only at
// the end), `after` from its heal to the end of the workload. An activity guard such as `acknowledged during old-leader: ">=100"` proves the load
// kept running while the fault was in force, so that "nothing lost" is about that fault.
import type { Operation } from '../history/operation.js';
/** Measures that can be counted inside a fault step's window (`acknowledged during old-leader`). */
export const WINDOWED_MEASURES = ['attempted', 'acknowledged', 'failed', 'indeterminate', 'notAcknowledged', 'inFlight', 'topicsCreated'] as const;
export type WindowedMeasure = (typeof WINDOWED_MEASURES)[number];

/** before: from the workload's start to the step's injection; during: until its heal; after: from its heal to the workload's end. */
export type WindowKind = 'before' | 'during' | 'after';

export interface StepWindow {
  name: string;
  injectedAt?: number;
  healedAt?: number;
}

interface Tally {
  attempted: number;
  acknowledged: number;
  failed: number;
  indeterminate: number;
  /** Sends outstanding at some moment of the window: invoked before its end, completed (if ever) after its start. */
  inFlight: number;
  /** Topic creations the controller acknowledged (the metadata workload). */
  topicsCreated: number;
}

const empty = (): Tally => ({ attempted: 0, acknowledged: 0, failed: 0, indeterminate: 0, inFlight: 0, topicsCreated: 0 });

export class SendWindows {
  /** "step\0during|after\0client" -> counts; client "" for every producer. */
  private readonly tallies = new Map<string, Tally>();
  private readonly bounds: { name: string; before: [number, number]; during: [number, number]; after?: [number, number] }[] = [];

  constructor(steps: readonly StepWindow[], workload: { startMs: number; endMs: number }) {
    const workloadEndMs = workload.endMs;
    for (const s of steps) {
      if (s.injectedAt === undefined) continue;
      const end = s.healedAt !== undefined && s.healedAt < workloadEndMs ? s.healedAt : workloadEndMs;
      this.bounds.push({
        name: s.name,
        before: [workload.startMs, s.injectedAt],
        during: [s.injectedAt, end],
        ...(s.healedAt !== undefined && s.healedAt < workloadEndMs ? { after: [s.healedAt, workloadEndMs] as [number, number] } : {}),
      });
    }
  }

  /** Invoke times of sends not yet completed (histories are read file by file, each in time order). */
  private readonly invoked = new Map<number, { time: number; client: string | undefined }>();

  add(op: Operation): void {
    if (op.f === 'create-topic' && op.type === 'ok') this.tally(op.time, op.time, 'topicsCreated', undefined);
    if (op.f !== 'send') return;
    const field: keyof Tally = op.type === 'invoke' ? 'attempted' : op.type === 'ok' ? 'acknowledged' : op.type === 'fail' ? 'failed' : 'indeterminate';
    this.tally(op.time, op.time, field, op.client);
    if (op.type === 'invoke') this.invoked.set(op.id, { time: op.time, client: op.client });
    else {
      const since = this.invoked.get(op.id);
      this.invoked.delete(op.id);
      if (since !== undefined) this.tally(since.time, op.time, 'inFlight', op.client);
    }
  }

  /** Sends never completed were in flight until the end. */
  finish(): void {
    for (const { time, client } of this.invoked.values()) this.tally(time, Number.POSITIVE_INFINITY, 'inFlight', client);
    this.invoked.clear();
  }

  /** Counts `field` in every window that [from, to] overlaps. */
  private tally(from: number, to: number, field: keyof Tally, client: string | undefined): void {
    for (const b of this.bounds) {
      for (const [when, range] of [
        ['before', b.before],
        ['during', b.during],
        ['after', b.after],
      ] as const) {
        if (range === undefined || to < range[0] || from > range[1]) continue;
        for (const who of client === undefined ? [''] : ['', client]) {
          const key = `${b.name}\u0000${when}\u0000${who}`;
          const tally = this.tallies.get(key) ?? empty();
          tally[field]++;
          this.tallies.set(key, tally);
        }
      }
    }
  }

  /** undefined when the step never ran (or, for `after`, was healed only at the end). */
  count(step: string, when: WindowKind, m: WindowedMeasure, client?: string): number | undefined {
    const bound = this.bounds.find((b) => b.name === step);
    if (bound === undefined || (when === 'after' && bound.after === undefined)) return undefined;
    const tally = this.tallies.get(`${step}\u0000${when}\u0000${client ?? ''}`) ?? empty();
    return m === 'notAcknowledged' ? tally.failed + tally.indeterminate : tally[m];
  }
}
