import { residentBytes } from '../runtime/proc.js';

/** Samples the resident memory of a set of processes while a workload runs; keeps the highest. */
export class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  private peak = new Map<number, number>();

  start(pids: () => number[], everyMs = 250): void {
    this.timer = setInterval(() => {
      for (const pid of pids()) {
        const rss = residentBytes(pid);
        if (rss !== undefined && rss > (this.peak.get(pid) ?? 0)) this.peak.set(pid, rss);
      }
    }, everyMs);
  }

  /** Highest resident set of any one process, in MiB. */
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    return Math.round(Math.max(0, ...this.peak.values()) / 1048576);
  }
}
