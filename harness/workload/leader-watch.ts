import { PartitionMetadataProbe } from '../clients/partition-metadata.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { Cluster } from '../runtime/cluster.js';

/**
 * Records in the history who leads each partition, in which leader epoch and with which ISR,
 * whenever that changes (as seen through the harness listeners), so a loss can be traced to the
 * node that acknowledged it and the leadership that truncated it.
 */
export class LeaderWatch {
  private readonly last = new Map<number, string>();
  private readonly probe: PartitionMetadataProbe;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    cluster: Cluster,
    private readonly recorder: HistoryRecorder,
    private readonly topic: string,
    private readonly intervalMs = 250,
  ) {
    this.probe = new PartitionMetadataProbe(cluster);
  }

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    void this.poll();
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const p of await this.probe.partitions(this.topic)) {
        const key = `${p.leader}/${p.leaderEpoch}/${p.isr.join(',')}`;
        if (this.last.get(p.partition) === key) continue;
        this.last.set(p.partition, key);
        this.recorder.record({
          f: 'leader',
          type: 'ok',
          process: 'observer',
          time: this.recorder.now(),
          partition: p.partition,
          leader: p.leader,
          epoch: p.leaderEpoch,
          isr: p.isr,
        });
      }
    } catch {
      /* no node answered this time; the next poll tries again */
    } finally {
      this.busy = false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.probe.close();
  }
}
