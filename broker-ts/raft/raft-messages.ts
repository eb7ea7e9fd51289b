// The messages of the metadata quorum (KIP-595 with pre-vote, KIP-996) as plain objects. The Raft
// state machine speaks only these; `raft-wire.ts` maps them to Kafka's Vote, BeginQuorumEpoch,
// EndQuorumEpoch and Fetch requests on the controller listener, and the simulation carries them as
// they are.

/** Error codes the quorum uses, with Kafka's numbers. */
export const RaftError = {
  NONE: 0,
  NOT_LEADER_OR_FOLLOWER: 6,
  FENCED_LEADER_EPOCH: 74,
  UNKNOWN_LEADER_EPOCH: 75,
} as const;
export type RaftErrorCode = (typeof RaftError)[keyof typeof RaftError];

export interface VoteRequest {
  kind: 'vote';
  /** The epoch the candidate stands in (for a pre-vote, the epoch it would stand in). */
  epoch: number;
  candidateId: number;
  lastEpoch: number;
  lastOffset: bigint;
  preVote: boolean;
}

export interface VoteResponse {
  kind: 'vote-response';
  error: RaftErrorCode;
  /** The voter's epoch and the leader it knows (-1 none). */
  epoch: number;
  leaderId: number;
  granted: boolean;
  preVote: boolean;
}

export interface BeginEpochRequest {
  kind: 'begin-epoch';
  epoch: number;
  leaderId: number;
}

export interface EndEpochRequest {
  kind: 'end-epoch';
  epoch: number;
  leaderId: number;
  preferredSuccessors: number[];
}

export interface EpochResponse {
  kind: 'epoch-response';
  error: RaftErrorCode;
  epoch: number;
  leaderId: number;
}

export interface FetchRequest<Slice> {
  kind: 'fetch';
  replicaId: number;
  /** The fetcher's epoch (Kafka's currentLeaderEpoch). */
  epoch: number;
  fetchOffset: bigint;
  lastFetchedEpoch: number;
  maxWaitMs: number;
  /** Unused on requests; keeps the message types generic over the log's slices. */
  readonly _slice?: Slice;
}

export interface FetchResponse<Slice> {
  kind: 'fetch-response';
  error: RaftErrorCode;
  epoch: number;
  leaderId: number;
  highWatermark: bigint;
  /** Set when the fetcher's log diverges: truncate to at most this epoch's end offset. */
  divergingEpoch: { epoch: number; endOffset: bigint } | undefined;
  records: Slice | undefined;
}

export type RaftRequest<Slice> = VoteRequest | BeginEpochRequest | EndEpochRequest | FetchRequest<Slice>;
export type RaftResponse<Slice> = VoteResponse | EpochResponse | FetchResponse<Slice>;
export type RaftRequestKind = RaftRequest<unknown>['kind'];
