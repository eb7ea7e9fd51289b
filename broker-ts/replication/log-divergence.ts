// Where a follower's log stops agreeing with its leader's (KIP-101, KIP-595), as two pure rules
// shared by the leader (fetch validation), the follower (truncation) and the ISR simulation.
import type { EpochEndOffset } from '../storage/index.js';

/**
 * The leader's side: the follower's last batch is of `lastFetchedEpoch` and its log ends at
 * `fetchOffset`; `leaderEnd` is where the leader's log has that epoch end. Undefined when the logs
 * agree, else the epoch and offset the follower must truncate to at most.
 */
export function divergingEpoch(leaderEnd: EpochEndOffset, fetchOffset: bigint, lastFetchedEpoch: number): EpochEndOffset | undefined {
  if (lastFetchedEpoch < 0) return undefined;
  if (leaderEnd.epoch >= lastFetchedEpoch && leaderEnd.endOffset >= fetchOffset) return undefined;
  return { epoch: leaderEnd.epoch, endOffset: leaderEnd.endOffset < fetchOffset ? leaderEnd.endOffset : fetchOffset };
}

/**
 * The follower's side: the leader said its log diverges after `diverging`; `localEnd` is where the
 * follower's own log has that epoch end. The follower keeps what both agree on.
 */
export function truncationOffset(diverging: EpochEndOffset, localEnd: EpochEndOffset, logStartOffset: bigint): bigint {
  if (localEnd.epoch < 0) return logStartOffset;
  return localEnd.endOffset < diverging.endOffset ? localEnd.endOffset : diverging.endOffset;
}
