// Every workload an experiment can have, in the order they start.
import { consumerGroupKind } from './consumer-group.js';
import { metadataKind } from './metadata-changes.js';
import { pipelineKind } from './pipeline.js';
import { producersKind } from './producers.js';
import type { WorkloadKind, WorkloadName } from './workload.js';

export const WORKLOAD_KINDS: readonly WorkloadKind[] = ([consumerGroupKind, pipelineKind, producersKind, metadataKind] as WorkloadKind[]).sort(
  (a, b) => a.startOrder - b.startOrder,
);

/** The workloads an experiment has, by name. */
export function workloadsOf(experiment: Parameters<WorkloadKind['present']>[0]): WorkloadKind[] {
  return WORKLOAD_KINDS.filter((k) => k.present(experiment));
}

export function isWorkloadName(name: string): name is WorkloadName {
  return WORKLOAD_KINDS.some((k) => k.name === name);
}
