import type { ClusterObserver } from '../clients/observer.js';
import type { HistoryRecorder } from '../history/recorder.js';

/**
 * Records in the history who leads each partition whenever that changes (as seen through the
 * harness listeners), so a loss can be traced to the node that acknowledged it.
 */
export class LeaderWatch {
  private readonly last = new Map<number, string>();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly observer: ClusterObserver,
    private readonly recorder: HistoryRecorder,
    private readonly topic: string,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    void this.poll();
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const p of await this.observer.partitions(this.topic)) {
        const key = `${p.leader}/${p.isr.join(',')}`;
        if (this.last.get(p.partition) === key) continue;
        this.last.set(p.partition, key);
        this.recorder.record({ f: 'leader', type: 'ok', process: 'observer', time: this.recorder.now(), partition: p.partition, leader: p.leader, isr: p.isr });
      }
    } catch {
      /* no node answered this time; the next poll tries again */
    } finally {
      this.busy = false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
