import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isSameProcess } from '../proc.js';

/**
 * Every container and network the docker runtime creates carries these labels, so that whoever
 * cleans up (the cluster itself, the supervisor's reaper, or the sweep of a later run) can find
 * everything of one harness process and tell whether that process is still alive.
 */
export const LABEL = {
  /** The supervisor's run id: one per harness process. */
  run: 'kafka-chaos.run',
  /** One per cluster: a run that starts several clusters has several networks. */
  cluster: 'kafka-chaos.cluster',
  harnessPid: 'kafka-chaos.harness-pid',
  /** Start time of the harness process in clock ticks since boot (see proc.ts). */
  harnessStart: 'kafka-chaos.harness-start',
  host: 'kafka-chaos.host',
  bootId: 'kafka-chaos.boot-id',
  /** node-<id> or toxiproxy. */
  role: 'kafka-chaos.role',
} as const;

export interface HarnessIdentity {
  runId: string;
  pid: number;
  startTime: number;
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

export function runLabels(harness: HarnessIdentity, clusterId: string, role?: string): Record<string, string> {
  return {
    [LABEL.run]: harness.runId,
    [LABEL.cluster]: clusterId,
    [LABEL.harnessPid]: String(harness.pid),
    [LABEL.harnessStart]: String(harness.startTime),
    [LABEL.host]: hostname(),
    [LABEL.bootId]: bootId(),
    ...(role ? { [LABEL.role]: role } : {}),
  };
}

/**
 * Whether the harness that created an object is certainly gone. Objects of another host are never
 * judged (a shared engine may serve harnesses elsewhere); on this host, a different boot or a pid
 * that no longer names the same process means the harness is dead.
 */
export function harnessIsGone(labels: Record<string, string> | undefined): boolean {
  if (!labels || labels[LABEL.run] === undefined) return false;
  if (labels[LABEL.host] !== hostname()) return false;
  if (labels[LABEL.bootId] !== bootId()) return true;
  const pid = Number(labels[LABEL.harnessPid]);
  const start = Number(labels[LABEL.harnessStart]);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  return !isSameProcess(pid, start);
}
