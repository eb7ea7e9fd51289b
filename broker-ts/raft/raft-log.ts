// What the Raft state machine needs from a replicated log and from durable quorum state. The
// metadata log (`metadata-raft-log.ts`) and the simulation's in-memory log both provide it.

export interface EpochEnd {
  epoch: number;
  endOffset: bigint;
}

export interface RaftLog<Record, Slice> {
  /** The offset after the last entry. */
  endOffset(): bigint;
  /** The epoch of the last entry, 0 for an empty log. */
  lastEpoch(): number;
  /**
   * The largest epoch <= `epoch` the log has and the offset where it ends (the start of the next
   * epoch, or the log end); epoch -1 and offset -1 when the log has no epoch <= `epoch`.
   */
  endOffsetForEpoch(epoch: number): EpochEnd;
  /** Appends entries stamped with `epoch` (the leader's); returns the offset after them. */
  appendAsLeader(records: readonly Record[], epoch: number): bigint;
  /** Appends the entries the leader sent, as they are. */
  appendAsFollower(slice: Slice): void;
  /** Entries from `offset` (an entry boundary), at most about `maxBytes`, or undefined when there are none. */
  read(offset: bigint, maxBytes: number): Slice | undefined;
  /** Drops every entry at or after `offset`. */
  truncateTo(offset: bigint): void;
  /** Asks for the entries up to the end to be made durable; the owner calls RaftNode.onFlushed once they are. */
  requestFlush(): void;
}

export interface QuorumStateSnapshot {
  epoch: number;
  votedId: number;
  leaderId: number;
}

/** Durable epoch and vote: written before a vote is granted or an epoch is taken. */
export interface QuorumStore {
  read(): QuorumStateSnapshot | undefined;
  write(state: QuorumStateSnapshot): void;
}
