import { cpuSeconds } from '../runtime/proc.js';

/**
 * CPU the broker processes use while a workload runs: on a machine the clients and brokers share,
 * throughput follows how much CPU each message costs, so that cost is reported beside it.
 */
export class CpuMeter {
  private readonly startCpu = new Map<number, number>();

  constructor(pids: readonly number[]) {
    for (const pid of pids) {
      const cpu = cpuSeconds(pid);
      if (cpu !== undefined) this.startCpu.set(pid, cpu);
    }
  }

  /** CPU milliseconds the processes used since the meter was made, per megabyte (10^6 bytes) of messages the workload moved. */
  msPerMegabyte(bytes: number): number | null {
    let used = 0;
    for (const [pid, start] of this.startCpu) used += (cpuSeconds(pid) ?? start) - start;
    return bytes > 0 ? (used * 1000) / (bytes / 1e6) : null;
  }
}
