// What a partition leader knows of its followers, after Kafka's Replica and the ISR rules of its
// Partition class. Pure logic over offsets and times, so the broker and the ISR simulation run the
// same code:
// - a follower's fetch offset is its log end offset (it has every batch below it);
// - a follower is caught up when it fetched up to the leader's log end, or up to where the log
//   ended at its previous fetch (Kafka's lastCaughtUpTime);
// - the high watermark is the smallest log end offset over the ISR, counting members being added
//   too (the "maximal ISR"), and a follower whose offset is unknown since this leader's epoch began
//   holds it where it is;
// - a follower joins the ISR once it has reached the high watermark and this epoch's start;
//   an ISR member that has not caught up for replica.lag.time.max.ms is dropped.
export interface FollowerState {
  /** -1 until the follower fetches in this leader epoch. */
  logEndOffset: bigint;
  lastCaughtUpMs: number;
  lastFetchMs: number;
  /** The leader's log end when this follower last fetched. */
  lastFetchLeaderLogEndOffset: bigint;
  /** The log start offset its last fetch gave; -1 until it fetches in this leader epoch. */
  logStartOffset: bigint;
}

export class FollowerTracking {
  private readonly followers = new Map<number, FollowerState>();

  /** A new leader epoch: every follower starts unknown; ISR members count as caught up now. */
  constructor(
    readonly localId: number,
    replicas: readonly number[],
    isr: readonly number[],
    now: number,
  ) {
    for (const id of replicas) {
      if (id === localId) continue;
      this.followers.set(id, {
        logEndOffset: -1n,
        lastCaughtUpMs: isr.includes(id) ? now : 0,
        lastFetchMs: 0,
        lastFetchLeaderLogEndOffset: -1n,
        logStartOffset: -1n,
      });
    }
  }

  state(id: number): Readonly<FollowerState> | undefined {
    return this.followers.get(id);
  }

  /** A follower fetched at `fetchOffset` (after its log was found consistent with the leader's). */
  onFetch(id: number, fetchOffset: bigint, leaderLogEndOffset: bigint, now: number): void {
    let state = this.followers.get(id);
    if (state === undefined) {
      state = { logEndOffset: -1n, lastCaughtUpMs: 0, lastFetchMs: 0, lastFetchLeaderLogEndOffset: -1n, logStartOffset: -1n };
      this.followers.set(id, state);
    }
    if (fetchOffset >= leaderLogEndOffset) state.lastCaughtUpMs = Math.max(state.lastCaughtUpMs, now);
    else if (fetchOffset >= state.lastFetchLeaderLogEndOffset && state.lastFetchLeaderLogEndOffset >= 0n)
      state.lastCaughtUpMs = Math.max(state.lastCaughtUpMs, state.lastFetchMs);
    state.logEndOffset = fetchOffset;
    state.lastFetchLeaderLogEndOffset = leaderLogEndOffset;
    state.lastFetchMs = now;
  }

  /** A follower's log start offset, as its fetch states it; true when it moved. */
  onLogStart(id: number, logStartOffset: bigint): boolean {
    const state = this.followers.get(id);
    if (state === undefined || state.logStartOffset === logStartOffset) return false;
    state.logStartOffset = logStartOffset;
    return true;
  }

  /**
   * Kafka's Partition.lowWatermarkIfLeader: the smallest log start offset over the leader and the
   * followers on live brokers (one that has not fetched in this epoch counts as -1).
   */
  lowWatermark(leaderLogStartOffset: bigint, live: (id: number) => boolean): bigint {
    let low = leaderLogStartOffset;
    for (const [id, state] of this.followers) if (live(id) && state.logStartOffset < low) low = state.logStartOffset;
    return low;
  }

  /** The high watermark the ISR (maximal ISR) allows: never above the leader's own durable end. */
  highWatermark(current: bigint, leaderEnd: bigint, maximalIsr: readonly number[]): bigint {
    let candidate = leaderEnd;
    for (const id of maximalIsr) {
      if (id === this.localId) continue;
      const end = this.followers.get(id)?.logEndOffset ?? -1n;
      const known = end < 0n ? current : end;
      if (known < candidate) candidate = known;
    }
    return candidate > current ? candidate : current;
  }

  /** ISR members (other than the leader) that have not caught up for `lagMs`. */
  laggingMembers(isr: readonly number[], now: number, lagMs: number): number[] {
    return isr.filter((id) => id !== this.localId && now - (this.followers.get(id)?.lastCaughtUpMs ?? 0) > lagMs);
  }

  /** Whether a follower outside the ISR may join it now. */
  canJoin(id: number, highWatermark: bigint, epochStartOffset: bigint): boolean {
    const end = this.followers.get(id)?.logEndOffset ?? -1n;
    return end >= 0n && end >= highWatermark && end >= epochStartOffset;
  }
}
