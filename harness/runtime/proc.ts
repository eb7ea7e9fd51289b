import { readFileSync } from 'node:fs';

/**
 * The start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat), or
 * undefined if it is gone. Pid plus start time names one process for good: a recycled pid gets a
 * different start time, so cleanup never signals a stranger.
 */
export function processStartTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return undefined;
  }
}

/** State letter from /proc (R, S, D, T for stopped, Z for zombie...), or undefined if gone. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

export function isSameProcess(pid: number, startTime: number): boolean {
  const now = processStartTime(pid);
  return now !== undefined && now === startTime && processState(pid) !== 'Z';
}

/** Resident set size in bytes, from /proc/<pid>/status. */
export function residentBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
