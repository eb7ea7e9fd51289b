import { readFileSync } from 'node:fs';

/**
 * The fields of /proc/<pid>/stat after the command name (index 0 is field 3, the state), or
 * undefined if the process is gone. The name is skipped by its closing parenthesis, since it may
 * itself hold spaces and parentheses.
 */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * The start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat), or
 * undefined if it is gone. Pid plus start time names one process for good: a recycled pid gets a
 * different start time, so cleanup never signals a stranger.
 */
export function processStartTime(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields === undefined ? undefined : Number(fields[19]);
}

/** State letter from /proc (R, S, D, T for stopped, Z for zombie...), or undefined if gone. */
export function processState(pid: number): string | undefined {
  return statFields(pid)?.[0];
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

/** Linux reports process times in USER_HZ ticks, 100 a second on every architecture it runs on. */
const TICKS_PER_SECOND = 100;

/** CPU time a process has used so far (user plus system, fields 14 and 15 of /proc/<pid>/stat), in seconds. */
export function cpuSeconds(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields === undefined ? undefined : (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}
