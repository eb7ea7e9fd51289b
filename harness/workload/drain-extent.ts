// How far a drain must read (the end offsets once the cluster has settled) and how far it got.
import type { ClusterObserver } from '../clients/observer.js';
import { sleep } from '../wait.js';

export interface DrainResult {
  /** Every partition read up to its end offset. */
  complete: boolean;
  endOffsets: Record<number, number>;
  /** Offset after the last message read, per partition. */
  readUpTo: Record<number, number>;
  messagesRead: number;
  /** Why an incomplete read stopped, when the reader knows. */
  problem?: string;
}

/** End offsets settle once replicas have caught up: read until two readings agree. */
export async function settledEndOffsets(observer: ClusterObserver, topic: string, timeoutMs: number): Promise<Map<number, number>> {
  let end = await observer.reachableEndOffsets(topic, timeoutMs);
  for (let i = 0; i < 20; i++) {
    await sleep(500);
    const again = await observer.reachableEndOffsets(topic, timeoutMs);
    const same = [...again].every(([p, o]) => end.get(p) === o);
    end = again;
    if (same) break;
  }
  return end;
}
