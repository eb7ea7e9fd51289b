import { errorMessage } from '../errors.js';
import { sleep } from '../wait.js';
import { log } from '../log.js';
import type { FaultContext, Heal } from './fault.js';
import type { DroppedRecords } from './power-cut-records.js';
import { faultKind } from './registry.js';
import { resolveTargets } from './targets.js';

export interface FaultStep {
  /** Milliseconds after the workload started. */
  at: number;
  fault: string;
  /** Absent for faults that do not hit nodes (e.g. kill-producer). */
  target?: string;
  /** Partition of the workload topic that leader/follower targets refer to. */
  partition: number;
  /** Heal this step after so long; without it the step stays in force until the final heal. */
  duration?: number;
  /** Lets later steps target the same nodes with `@name`. */
  name?: string;
  params: Record<string, unknown>;
}

/** What happened to one step, for result.json and the report. */
export interface FaultRecord {
  step: number;
  fault: string;
  /** The step's name in the experiment, if it has one (windows such as `during old-leader` refer to it). */
  name?: string;
  target: string | undefined;
  /** The workload partition `leader`-like targets referred to. */
  partition?: number;
  nodes: number[];
  params: Record<string, unknown>;
  /** Injected by another step (the random nemesis), not by the schedule. */
  nested?: boolean;
  injectedAt?: number;
  healedAt?: number;
  /** What shows the fault struck, seen from outside the harness (see nemesis/evidence.ts). */
  evidence?: string[];
  /** What shows the heal took. */
  healEvidence?: string[];
  /** Workload records a power cut dropped from a node's disk (see power-cut-records.ts). */
  droppedRecords?: DroppedRecords[];
  /** Why the step did not strike, never ran or was not healed: the run is then an error. */
  error?: string;
}

interface Outstanding {
  record: FaultRecord;
  heal: Heal;
  nested?: boolean;
  timer?: NodeJS.Timeout;
  healing?: Promise<void>;
}

/** The nemesis: runs a fault schedule against a cluster and heals everything at the end. */
export class FaultSchedule {
  readonly records: FaultRecord[] = [];
  private readonly outstanding: Outstanding[] = [];
  private readonly named = new Map<string, number[]>();

  private readonly ctx: FaultContext;

  constructor(
    base: FaultContext,
    private readonly steps: FaultStep[],
  ) {
    this.ctx = {
      ...base,
      nested: async (step) => {
        const entry = await this.inject({ ...step, at: 0 }, this.records.length, true);
        if (!entry) return undefined;
        // The composing fault heals what it injected; the final heal must not race it.
        entry.nested = true;
        return () => this.heal(entry);
      },
    };
  }

  /** Runs the steps in time order, `origin` being the workload start (performance.now()). */
  async run(origin: number, signal: AbortSignal): Promise<void> {
    const ordered = this.steps.map((s, i) => ({ s, i })).sort((a, b) => a.s.at - b.s.at);
    for (const [k, { s, i }] of ordered.entries()) {
      const wait = origin + s.at - performance.now();
      if (wait > 0) await sleep(wait, signal);
      if (signal.aborted) {
        // Steps the workload ended before are recorded, so that the run cannot pass without them.
        const late = Math.round(performance.now() - origin);
        for (const { s: missed, i: index } of ordered.slice(k)) {
          this.records.push({
            ...this.recordOf(missed, index, false),
            error: `never ran: the workload ended (${late} ms) before the schedule reached it (due at ${missed.at} ms)`,
          });
        }
        return;
      }
      await this.inject(s, i);
    }
  }

  private recordOf(step: FaultStep, index: number, nested: boolean): FaultRecord {
    return {
      step: index,
      fault: step.fault,
      ...(step.name !== undefined ? { name: step.name } : {}),
      target: step.target,
      partition: step.partition,
      nodes: [],
      params: step.params,
      ...(nested ? { nested } : {}),
    };
  }

  private async inject(step: FaultStep, index: number, nested = false): Promise<Outstanding | undefined> {
    const { recorder } = this.ctx;
    const record = this.recordOf(step, index, nested);
    this.records.push(record);
    try {
      record.nodes = step.target === undefined ? [] : await resolveTargets(this.ctx, step.target, step.partition, this.named);
      if (step.name) this.named.set(step.name, record.nodes);
      record.injectedAt = recorder.now();
      recorder.record({ f: 'fault', type: 'invoke', process: 'nemesis', time: record.injectedAt, fault: step.fault, nodes: record.nodes });
      const { evidence, heal, droppedRecords } = await faultKind(step.fault)!.inject(this.ctx, record.nodes, step.params, step.partition);
      record.evidence = evidence;
      if (droppedRecords !== undefined) record.droppedRecords = droppedRecords;
      recorder.record({
        f: 'fault',
        type: 'ok',
        process: 'nemesis',
        time: recorder.now(),
        fault: step.fault,
        nodes: record.nodes,
        detail: evidence.join('; '),
      });
      log.info({ fault: step.fault, nodes: record.nodes, at: Math.round(record.injectedAt), evidence }, 'fault injected');
      if (heal) {
        const entry: Outstanding = { record, heal };
        this.outstanding.push(entry);
        if (step.duration !== undefined) entry.timer = setTimeout(() => void this.heal(entry), step.duration);
        return entry;
      }
    } catch (err) {
      record.error = errorMessage(err);
      recorder.record({ f: 'fault', type: 'fail', process: 'nemesis', time: recorder.now(), fault: step.fault, nodes: record.nodes, detail: record.error });
      log.warn({ fault: step.fault, target: step.target, err: record.error }, 'fault could not be injected');
    }
    return undefined;
  }

  private heal(entry: Outstanding): Promise<void> {
    if (entry.timer) clearTimeout(entry.timer);
    entry.healing ??= (async () => {
      const { recorder } = this.ctx;
      const { record } = entry;
      try {
        record.healEvidence = await entry.heal();
        record.healedAt = recorder.now();
        recorder.record({
          f: 'heal',
          type: 'ok',
          process: 'nemesis',
          time: record.healedAt,
          fault: record.fault,
          nodes: record.nodes,
          detail: record.healEvidence.join('; '),
        });
        log.info({ fault: record.fault, nodes: record.nodes }, 'fault healed');
      } catch (err) {
        record.error = `heal failed: ${errorMessage(err)}`;
        recorder.record({ f: 'heal', type: 'fail', process: 'nemesis', time: recorder.now(), fault: record.fault, nodes: record.nodes, detail: record.error });
        log.warn({ fault: record.fault, err: record.error }, 'heal failed');
      }
    })();
    return entry.healing;
  }

  /** Heals whatever is still in force, most recent first. */
  async healAll(): Promise<void> {
    for (const entry of [...this.outstanding].reverse()) if (!entry.nested) await this.heal(entry);
  }
}
