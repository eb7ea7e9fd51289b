import type { z } from 'zod';
import type { ClusterObserver } from '../clients/observer.js';
import type { DroppedRecords } from './power-cut-records.js';
import type { ExperimentParts } from '../experiment/sections.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { SeededRandom } from '@kafka-chaos/protocol/seeded-random';
import type { Cluster, RuntimeCapability } from '../runtime/cluster.js';
import type { WorkloadHandles } from '../workload/workload.js';

export interface FaultContext {
  cluster: Cluster;
  observer: ClusterObserver;
  recorder: HistoryRecorder;
  random: SeededRandom;
  /** The workload topic, for targets such as "leader". */
  topic: string;
  /** The experiment's workloads (producers, a consumer group, a pipeline), for faults that hit clients. */
  workloads: Partial<WorkloadHandles>;
  /**
   * Injects another step now, recorded like a scheduled one (with its evidence); the returned heal
   * is recorded too. Lets a fault kind compose others (the random nemesis).
   */
  nested?: (step: NestedStep) => Promise<(() => Promise<void>) | undefined>;
}

export interface NestedStep {
  fault: string;
  target?: string;
  partition: number;
  params: Record<string, unknown>;
}

/**
 * Undoes a fault (restarts what was killed, resumes what was paused, removes toxics) and returns
 * the evidence that it did; throws FaultNotProven when it cannot show it.
 */
export type Heal = () => Promise<string[]>;

/**
 * What injecting a fault did: the evidence that it struck, seen from outside the harness's own
 * bookkeeping (a process gone or in state T, a proxy refusing connections, a toxic listed), and how
 * to heal it. A kind that cannot show its effect throws FaultNotProven instead.
 */
export interface Injection {
  evidence: string[];
  heal?: Heal;
  /** Records a power cut took from a node's disk (the only copy there): what explains a loss. */
  droppedRecords?: DroppedRecords[];
}

/**
 * One kind of fault. Adding a fault kind is adding one module that exports one of these and
 * listing it in the registry. `params` validates the kind's own fields of an experiment step.
 */
export interface FaultKind<P extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  summary: string;
  /** False for faults that hit something other than broker nodes (a client process): no `target`. */
  targetsNodes?: boolean;
  params: z.ZodType<P>;
  /** What the runtime must offer beyond every Cluster's operations; checked before a run starts. */
  needs?: readonly RuntimeCapability[];
  /** Checks the parameters against the rest of the experiment; returns what is wrong, if anything. */
  check?(params: P, experiment: ExperimentParts): string | undefined;
  /** `partition`: the step's partition of the workload topic, which targets such as `leader` were resolved in. */
  inject(ctx: FaultContext, nodes: number[], params: P, partition: number): Promise<Injection>;
}

export function defineFault<P extends Record<string, unknown>>(kind: FaultKind<P>): FaultKind<P> {
  return kind;
}
