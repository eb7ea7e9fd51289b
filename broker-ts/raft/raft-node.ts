// One voter of the metadata quorum, after Kafka's KafkaRaftClient (KIP-595, pre-vote and check
// quorum from KIP-996). A pure state machine: it owns no timers and no sockets. Its owner gives it
// the time with every call, delivers requests, responses and failed requests, tells it when log
// entries are durable, and wakes it at `nextDeadline()`. The same code therefore runs on the
// broker's event loop (raft-driver.ts) and in the simulation tests, over a simulated clock and
// network.
//
// Roles: unattached (no leader known, maybe voted), prospective (asking for pre-votes), candidate,
// leader, follower, resigned (a leader stepping down). Followers fetch from the leader; a fetch
// names the fetcher's log end and last epoch so that the leader can answer with the epoch where
// their logs diverge. The leader's high watermark is the largest offset durable on a majority,
// and moves only once an entry of its own epoch is committed.
import type { RaftLog, QuorumStore } from './raft-log.js';
import type {
  BeginEpochRequest,
  EndEpochRequest,
  EpochResponse,
  FetchRequest,
  FetchResponse,
  RaftRequest,
  RaftResponse,
  VoteRequest,
  VoteResponse,
} from './raft-messages.js';
import { RaftError } from './raft-messages.js';

export type RaftRole = 'unattached' | 'prospective' | 'candidate' | 'leader' | 'follower' | 'resigned';

export interface RaftConfig {
  /** controller.quorum.election.timeout.ms: an election starts after a random wait between this and twice it. */
  electionTimeoutMs: number;
  /** controller.quorum.fetch.timeout.ms: a follower that has not fetched for this long looks for a new leader; a leader without fetches from a majority for 1.5x this resigns. */
  fetchTimeoutMs: number;
  /** controller.quorum.election.backoff.max.ms: the longest wait before another election after a lost one. */
  electionBackoffMaxMs: number;
  /** How long a follower's fetch may wait at the leader for new entries. */
  fetchMaxWaitMs: number;
  /** controller.quorum.retry.backoff.ms: before a failed request is sent again. */
  retryBackoffMs: number;
  /** The most bytes of entries one fetch response carries. */
  fetchMaxBytes: number;
  /**
   * UNSAFE (broker.ts.bug.raft.resumes.leadership), for testing the checker: a voter whose stored
   * state says it led its epoch leads it again after a restart. A copy of an old data dir then
   * writes entries of an epoch that another leader's entries already fill.
   */
  resumeStoredLeadership?: boolean;
}

export const DEFAULT_RAFT_CONFIG: RaftConfig = {
  electionTimeoutMs: 1000,
  fetchTimeoutMs: 2000,
  electionBackoffMaxMs: 1000,
  fetchMaxWaitMs: 500,
  retryBackoffMs: 50,
  fetchMaxBytes: 8 * 1024 * 1024,
};

export interface RaftEnvironment<Record, Slice> {
  readonly nodeId: number;
  readonly voters: readonly number[];
  readonly log: RaftLog<Record, Slice>;
  readonly store: QuorumStore;
  /** Uniform in [0, 1): timeouts are randomised, and a seeded source keeps simulations repeatable. */
  random(): number;
  /** Sends a request; the owner calls handleResponse or handleFailure with what comes back. */
  send(to: number, request: RaftRequest<Slice>): void;
  /** The entry the leader writes first in its epoch (KRaft's LeaderChangeMessage). */
  leaderChangeRecords(epoch: number, leaderId: number): readonly Record[];
  /** Leader, epoch or role changed. */
  onStateChange?(node: RaftNode<Record, Slice>): void;
  /** The high watermark moved: entries below it are committed. */
  onCommit?(highWatermark: bigint): void;
}

/** Thrown by propose() when this node cannot take writes. */
export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
}

interface ParkedFetch<Slice> {
  request: FetchRequest<Slice>;
  respond: (response: FetchResponse<Slice>) => void;
  deadline: number;
}

interface ReplicaProgress {
  /** The offset of the replica's next fetch: it has every entry below it. */
  endOffset: bigint;
  lastFetchMs: number;
  /** The high watermark last sent to it: a newer one is worth answering a parked fetch for. */
  lastHighWatermarkSent: bigint;
}

export class RaftNode<Record, Slice> {
  private roleValue: RaftRole = 'unattached';
  private epochValue = 0;
  private votedId = -1;
  private leaderIdValue = -1;
  private highWatermarkValue = 0n;
  /** Offset below which this node's own entries are durable. */
  private flushedEnd = 0n;
  private electionDeadline = Number.POSITIVE_INFINITY;
  private readonly grants = new Set<number>();
  private readonly rejections = new Set<number>();
  /** Voters to ask again (vote or begin-epoch) at the given time. */
  private readonly retries = new Map<number, number>();
  // Follower
  /** The fetch sent and not yet answered: answers to any other (older) fetch are ignored. */
  private fetchInFlight: FetchRequest<Slice> | undefined;
  private nextFetchAt = 0;
  /** Last answer from the leader: what pre-votes are refused on (hearing about a leader is not hearing from it). */
  private lastFetchSuccessMs = Number.NEGATIVE_INFINITY;
  /** When this node started following, or last heard from its leader: the fetch timeout runs from here. */
  private fetchTimerStartMs = Number.NEGATIVE_INFINITY;
  private awaitingFlushOf: bigint | undefined;
  // Leader
  private epochStartOffset = 0n;
  private readonly progress = new Map<number, ReplicaProgress>();
  private readonly parked: ParkedFetch<Slice>[] = [];
  private leaderSinceMs = 0;
  private started = false;

  constructor(
    private readonly env: RaftEnvironment<Record, Slice>,
    private readonly config: RaftConfig = DEFAULT_RAFT_CONFIG,
  ) {}

  get nodeId(): number {
    return this.env.nodeId;
  }

  get role(): RaftRole {
    return this.roleValue;
  }

  get epoch(): number {
    return this.epochValue;
  }

  /** The leader of the current epoch as far as this node knows, -1 when none. */
  get leaderId(): number {
    return this.leaderIdValue;
  }

  get highWatermark(): bigint {
    return this.highWatermarkValue;
  }

  get isLeader(): boolean {
    return this.roleValue === 'leader';
  }

  /** The leader has committed an entry of its own epoch: everything before is known and applied-able. */
  get leaderReady(): boolean {
    return this.roleValue === 'leader' && this.highWatermarkValue > this.epochStartOffset;
  }

  /** First offset of the current leader's epoch (its leader-change entry). */
  get leaderEpochStartOffset(): bigint {
    return this.epochStartOffset;
  }

  /** Log end offsets of the voters as the leader knows them (DescribeQuorum). */
  replicaStates(): { replicaId: number; logEndOffset: bigint; lastFetchMs: number }[] {
    return this.env.voters.map((id) => {
      if (id === this.nodeId) return { replicaId: id, logEndOffset: this.env.log.endOffset(), lastFetchMs: -1 };
      const p = this.progress.get(id);
      return { replicaId: id, logEndOffset: p?.endOffset ?? -1n, lastFetchMs: p?.lastFetchMs ?? -1 };
    });
  }

  /** Restores the durable epoch and vote and arms the first election timer. */
  start(now: number): void {
    if (this.started) return;
    this.started = true;
    const stored = this.env.store.read();
    if (stored !== undefined) {
      this.epochValue = stored.epoch;
      this.votedId = stored.votedId;
      // A leader or follower of the stored epoch is not trusted after a restart: leader unknown until it speaks.
    }
    this.flushedEnd = this.env.log.endOffset();
    if (this.config.resumeStoredLeadership && stored?.leaderId === this.nodeId) {
      this.becomeLeader(now);
      return;
    }
    if (this.env.voters.length === 1 && this.env.voters[0] === this.nodeId) {
      this.becomeCandidate(now);
      return;
    }
    // Look for a leader at once: a pre-vote disturbs no one, and its answers name the leader if
    // there is one (a restarted voter), or elect one quickly (a fresh quorum).
    this.electionDeadline = now + this.randomBelow(this.config.electionTimeoutMs / 10);
    this.changed();
  }

  /** The earliest time at which poll() has something to do. */
  nextDeadline(): number {
    let next = this.electionDeadline;
    for (const at of this.retries.values()) next = Math.min(next, at);
    for (const fetch of this.parked) next = Math.min(next, fetch.deadline);
    if (this.roleValue === 'follower') {
      if (this.fetchInFlight === undefined && this.awaitingFlushOf === undefined) next = Math.min(next, this.nextFetchAt);
      next = Math.min(next, this.fetchTimerStartMs + this.config.fetchTimeoutMs);
    }
    if (this.roleValue === 'leader' && this.env.voters.length > 1) next = Math.min(next, this.checkQuorumDeadline());
    return next;
  }

  /** Runs whatever is due at `now`. */
  poll(now: number): void {
    this.expireParkedFetches(now);
    switch (this.roleValue) {
      case 'unattached':
      case 'resigned':
        if (now >= this.electionDeadline) this.becomeProspective(now);
        break;
      case 'prospective':
        if (now >= this.electionDeadline) this.becomeProspective(now);
        else this.retryRequests(now, () => this.voteRequest(true));
        break;
      case 'candidate':
        if (now >= this.electionDeadline) this.becomeProspective(now);
        else this.retryRequests(now, () => this.voteRequest(false));
        break;
      case 'follower':
        if (now - this.fetchTimerStartMs >= this.config.fetchTimeoutMs) {
          this.becomeProspective(now);
          break;
        }
        this.maybeFetch(now);
        break;
      case 'leader':
        if (this.env.voters.length > 1 && now >= this.checkQuorumDeadline()) {
          // Check quorum: a leader a majority no longer fetches from may be cut off; it stops leading.
          this.resign(now, false);
          break;
        }
        this.retryRequests(now, () => ({ kind: 'begin-epoch', epoch: this.epochValue, leaderId: this.nodeId }));
        break;
    }
  }

  /** Appends records on the leader; returns the offset after them. They are committed once the high watermark passes it. */
  propose(now: number, records: readonly Record[]): bigint {
    if (this.roleValue !== 'leader') throw new NotLeaderError(`node ${this.nodeId} is not the quorum leader (${this.roleValue}, epoch ${this.epochValue})`);
    const end = this.env.log.appendAsLeader(records, this.epochValue);
    this.env.log.requestFlush();
    this.completeParkedFetches();
    return end;
  }

  /** Entries below `offset` are durable on this node. */
  onFlushed(now: number, offset: bigint): void {
    if (offset > this.flushedEnd) this.flushedEnd = offset;
    if (this.flushedEnd > this.env.log.endOffset()) this.flushedEnd = this.env.log.endOffset();
    if (this.roleValue === 'leader') this.maybeAdvanceHighWatermark(now);
    if (this.awaitingFlushOf !== undefined && this.flushedEnd >= this.awaitingFlushOf) {
      this.awaitingFlushOf = undefined;
      this.maybeFetch(now);
    }
  }

  /** Graceful shutdown: a leader hands over at once (EndQuorumEpoch) instead of letting the others time out. */
  shutdown(now: number): void {
    if (this.roleValue === 'leader') this.resign(now, true);
  }

  handleRequest(now: number, from: number, request: RaftRequest<Slice>, respond: (response: RaftResponse<Slice>) => void): void {
    switch (request.kind) {
      case 'vote':
        respond(this.onVote(now, request));
        return;
      case 'begin-epoch':
        respond(this.onBeginEpoch(now, request));
        return;
      case 'end-epoch':
        respond(this.onEndEpoch(now, request));
        return;
      case 'fetch':
        this.onFetch(now, request, respond as (response: FetchResponse<Slice>) => void);
        return;
    }
  }

  /** The answer to `request`, which this node sent to `from`. */
  handleResponse(now: number, from: number, request: RaftRequest<Slice>, response: RaftResponse<Slice>): void {
    switch (response.kind) {
      case 'vote-response':
        this.onVoteResponse(now, from, response);
        return;
      case 'epoch-response':
        this.onEpochResponse(now, from, response);
        return;
      case 'fetch-response':
        if (request === this.fetchInFlight) this.onFetchResponse(now, from, response);
        return;
    }
  }

  /** A request got no answer (connection refused or lost, timeout). */
  handleFailure(now: number, to: number, request: RaftRequest<Slice>): void {
    const kind = request.kind;
    if (kind === 'fetch') {
      if (request === this.fetchInFlight) {
        this.fetchInFlight = undefined;
        this.nextFetchAt = now + this.config.retryBackoffMs;
      }
      return;
    }
    if ((kind === 'vote' && (this.roleValue === 'prospective' || this.roleValue === 'candidate')) || (kind === 'begin-epoch' && this.roleValue === 'leader')) {
      // Ask again unless that voter already answered (a vote either way, or a fetch from the new leader's follower).
      if (!this.grants.has(to) && !this.rejections.has(to) && !this.progress.has(to)) this.retries.set(to, now + this.config.retryBackoffMs);
    }
  }

  // ---- Voting ----

  private onVote(now: number, request: VoteRequest): VoteResponse {
    const answer = (granted: boolean, error: VoteResponse['error'] = RaftError.NONE): VoteResponse => ({
      kind: 'vote-response',
      error,
      epoch: this.epochValue,
      leaderId: this.leaderIdValue,
      granted,
      preVote: request.preVote,
    });
    const upToDate = compareLogs(request.lastEpoch, request.lastOffset, this.env.log.lastEpoch(), this.env.log.endOffset()) >= 0;
    if (request.preVote) {
      // A pre-vote changes nothing here; it is refused while this node still hears from a leader.
      if (request.epoch <= this.epochValue) return answer(false);
      const hearsFromLeader = this.roleValue === 'leader' || (this.roleValue === 'follower' && now - this.lastFetchSuccessMs < this.config.fetchTimeoutMs);
      return answer(upToDate && !hearsFromLeader);
    }
    if (request.epoch < this.epochValue) return answer(false, RaftError.FENCED_LEADER_EPOCH);
    if (request.epoch > this.epochValue) this.becomeUnattached(now, request.epoch, -1);
    const canVote = this.votedId === -1 || this.votedId === request.candidateId;
    if (this.roleValue === 'leader' || this.roleValue === 'follower' || !canVote || !upToDate) return answer(false);
    if (this.votedId === -1) {
      this.votedId = request.candidateId;
      this.persist();
      this.electionDeadline = now + this.electionTimeout();
    }
    return answer(true);
  }

  private onVoteResponse(now: number, from: number, response: VoteResponse): void {
    // A voter naming a leader of this same epoch may only believe in it (a dead leader, say); the
    // leader itself answering is proof it is alive. A later epoch is always followed.
    const sameEpochHearsay = response.epoch === this.epochValue && response.leaderId !== from;
    if (!sameEpochHearsay && this.stepDownIfBehind(now, response.epoch, response.leaderId)) return;
    if (response.preVote && this.roleValue === 'prospective') {
      this.retries.delete(from);
      if (response.granted) this.grants.add(from);
      else this.rejections.add(from);
      if (this.hasMajority(this.grants)) this.becomeCandidate(now);
      else if (this.hasMajority(this.rejections)) this.backOffElection(now);
      return;
    }
    if (!response.preVote && this.roleValue === 'candidate' && response.epoch === this.epochValue) {
      this.retries.delete(from);
      if (response.granted) this.grants.add(from);
      else this.rejections.add(from);
      if (this.hasMajority(this.grants)) this.becomeLeader(now);
      else if (this.hasMajority(this.rejections)) this.backOffElection(now);
    }
  }

  private onBeginEpoch(now: number, request: BeginEpochRequest): EpochResponse {
    if (request.epoch < this.epochValue) return this.epochAnswer(RaftError.FENCED_LEADER_EPOCH);
    if (request.epoch > this.epochValue || this.leaderIdValue === -1) {
      if (request.leaderId !== this.nodeId) this.becomeFollower(now, request.epoch, request.leaderId);
    }
    return this.epochAnswer(RaftError.NONE);
  }

  private onEndEpoch(now: number, request: EndEpochRequest): EpochResponse {
    if (request.epoch < this.epochValue) return this.epochAnswer(RaftError.FENCED_LEADER_EPOCH);
    if (request.epoch === this.epochValue && this.roleValue === 'follower' && this.leaderIdValue === request.leaderId) {
      // The leader is leaving: elect a successor now; preferred successors go first.
      const rank = request.preferredSuccessors.indexOf(this.nodeId);
      this.becomeUnattached(now, this.epochValue, this.votedId);
      this.electionDeadline =
        now + (rank < 0 ? this.config.retryBackoffMs * 4 : rank * this.config.retryBackoffMs) + this.randomBelow(this.config.retryBackoffMs);
    }
    return this.epochAnswer(RaftError.NONE);
  }

  private onEpochResponse(now: number, from: number, response: EpochResponse): void {
    if (this.stepDownIfBehind(now, response.epoch, response.leaderId)) return;
    if (this.roleValue === 'leader' && response.error === RaftError.NONE) this.retries.delete(from);
  }

  private epochAnswer(error: EpochResponse['error']): EpochResponse {
    return { kind: 'epoch-response', error, epoch: this.epochValue, leaderId: this.leaderIdValue };
  }

  // ---- Fetching ----

  private onFetch(now: number, request: FetchRequest<Slice>, respond: (response: FetchResponse<Slice>) => void): void {
    const fail = (error: FetchResponse<Slice>['error']) =>
      respond({
        kind: 'fetch-response',
        error,
        epoch: this.epochValue,
        leaderId: this.leaderIdValue,
        highWatermark: -1n,
        divergingEpoch: undefined,
        records: undefined,
      });
    if (request.epoch < this.epochValue) return fail(RaftError.FENCED_LEADER_EPOCH);
    if (request.epoch > this.epochValue) return fail(RaftError.UNKNOWN_LEADER_EPOCH);
    if (this.roleValue !== 'leader') return fail(RaftError.NOT_LEADER_OR_FOLLOWER);
    const diverging = this.divergence(request.fetchOffset, request.lastFetchedEpoch);
    if (diverging !== undefined) {
      respond({
        kind: 'fetch-response',
        error: RaftError.NONE,
        epoch: this.epochValue,
        leaderId: this.nodeId,
        highWatermark: this.highWatermarkValue,
        divergingEpoch: diverging,
        records: undefined,
      });
      return;
    }
    const progress = this.progress.get(request.replicaId);
    if (progress === undefined) {
      this.progress.set(request.replicaId, { endOffset: request.fetchOffset, lastFetchMs: now, lastHighWatermarkSent: -1n });
    } else {
      // A fetch at a lower offset follows a truncation the leader asked for: the replica has less now.
      progress.endOffset = request.fetchOffset;
      progress.lastFetchMs = now;
    }
    this.retries.delete(request.replicaId);
    this.maybeAdvanceHighWatermark(now);
    const parked: ParkedFetch<Slice> = { request, respond, deadline: now + Math.min(request.maxWaitMs, this.config.fetchMaxWaitMs) };
    if (!this.answerFetch(parked, false)) this.parked.push(parked);
  }

  /** Answers a fetch if it has something to carry (entries, a newer high watermark), or if `force`. */
  private answerFetch(fetch: ParkedFetch<Slice>, force: boolean): boolean {
    const { request } = fetch;
    const records = request.fetchOffset < this.env.log.endOffset() ? this.env.log.read(request.fetchOffset, this.config.fetchMaxBytes) : undefined;
    const progress = this.progress.get(request.replicaId);
    const hwNews = progress !== undefined && this.highWatermarkValue > progress.lastHighWatermarkSent;
    if (records === undefined && !force && !hwNews) return false;
    if (progress !== undefined) progress.lastHighWatermarkSent = this.highWatermarkValue;
    fetch.respond({
      kind: 'fetch-response',
      error: RaftError.NONE,
      epoch: this.epochValue,
      leaderId: this.nodeId,
      highWatermark: this.highWatermarkValue,
      divergingEpoch: undefined,
      records,
    });
    return true;
  }

  /** KIP-595: the fetcher's last epoch must end where the leader's does, or it diverges there. */
  private divergence(fetchOffset: bigint, lastFetchedEpoch: number): { epoch: number; endOffset: bigint } | undefined {
    if (fetchOffset === 0n && lastFetchedEpoch <= 0) return undefined;
    const end = this.env.log.endOffsetForEpoch(lastFetchedEpoch);
    if (end.epoch === lastFetchedEpoch && end.endOffset >= fetchOffset) return undefined;
    if (end.epoch === -1) return { epoch: 0, endOffset: 0n };
    return { epoch: end.epoch, endOffset: end.endOffset < fetchOffset ? end.endOffset : fetchOffset };
  }

  private onFetchResponse(now: number, from: number, response: FetchResponse<Slice>): void {
    if (this.roleValue !== 'follower' || from !== this.leaderIdValue) return;
    this.fetchInFlight = undefined;
    if (response.error !== RaftError.NONE) {
      if (this.stepDownIfBehind(now, response.epoch, response.leaderId)) return;
      if (response.epoch === this.epochValue && response.leaderId !== this.leaderIdValue) {
        // The node this one follows says it does not lead this epoch (it restarted or resigned).
        this.becomeProspective(now);
        return;
      }
      this.nextFetchAt = now + this.config.retryBackoffMs;
      return;
    }
    if (response.epoch !== this.epochValue) return;
    this.lastFetchSuccessMs = now;
    this.fetchTimerStartMs = now;
    const log = this.env.log;
    if (response.divergingEpoch !== undefined) {
      const mine = log.endOffsetForEpoch(response.divergingEpoch.epoch);
      let truncateTo = response.divergingEpoch.endOffset;
      if (mine.epoch >= 0 && mine.endOffset < truncateTo) truncateTo = mine.endOffset;
      if (mine.epoch < 0) truncateTo = 0n;
      if (truncateTo < this.highWatermarkValue)
        throw new Error(`raft node ${this.nodeId}: asked to truncate committed entries (to ${truncateTo}, high watermark ${this.highWatermarkValue})`);
      log.truncateTo(truncateTo);
      if (this.flushedEnd > log.endOffset()) this.flushedEnd = log.endOffset();
      this.maybeFetch(now);
      return;
    }
    if (response.records !== undefined) {
      log.appendAsFollower(response.records);
      log.requestFlush();
      this.awaitingFlushOf = log.endOffset();
    }
    const hw = response.highWatermark < log.endOffset() ? response.highWatermark : log.endOffset();
    if (hw > this.highWatermarkValue) {
      this.highWatermarkValue = hw;
      this.env.onCommit?.(hw);
    }
    if (this.awaitingFlushOf !== undefined && this.flushedEnd >= this.awaitingFlushOf) this.awaitingFlushOf = undefined;
    this.maybeFetch(now);
  }

  private maybeFetch(now: number): void {
    if (this.roleValue !== 'follower' || this.fetchInFlight !== undefined || this.awaitingFlushOf !== undefined || now < this.nextFetchAt) return;
    const request: FetchRequest<Slice> = {
      kind: 'fetch',
      replicaId: this.nodeId,
      epoch: this.epochValue,
      fetchOffset: this.env.log.endOffset(),
      lastFetchedEpoch: this.env.log.lastEpoch(),
      maxWaitMs: this.config.fetchMaxWaitMs,
    };
    this.fetchInFlight = request;
    this.env.send(this.leaderIdValue, request);
  }

  private expireParkedFetches(now: number): void {
    for (let i = this.parked.length - 1; i >= 0; i--) {
      const fetch = this.parked[i]!;
      if (now >= fetch.deadline) {
        this.parked.splice(i, 1);
        if (this.roleValue === 'leader' && fetch.request.epoch === this.epochValue) this.answerFetch(fetch, true);
        else this.answerParkedAsFormerLeader(fetch);
      }
    }
  }

  private completeParkedFetches(): void {
    for (let i = this.parked.length - 1; i >= 0; i--) {
      if (this.answerFetch(this.parked[i]!, false)) this.parked.splice(i, 1);
    }
  }

  private answerParkedAsFormerLeader(fetch: ParkedFetch<Slice>): void {
    fetch.respond({
      kind: 'fetch-response',
      error: fetch.request.epoch < this.epochValue ? RaftError.FENCED_LEADER_EPOCH : RaftError.NOT_LEADER_OR_FOLLOWER,
      epoch: this.epochValue,
      leaderId: this.leaderIdValue,
      highWatermark: -1n,
      divergingEpoch: undefined,
      records: undefined,
    });
  }

  private dropParkedFetches(): void {
    for (const fetch of this.parked.splice(0)) this.answerParkedAsFormerLeader(fetch);
  }

  // ---- Leading ----

  private maybeAdvanceHighWatermark(now: number): void {
    if (this.roleValue !== 'leader') return;
    const ends = this.env.voters.map((id) => (id === this.nodeId ? this.flushedEnd : (this.progress.get(id)?.endOffset ?? 0n)));
    ends.sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
    const candidate = ends[Math.floor(this.env.voters.length / 2)]!;
    // Entries of earlier epochs count as committed only through one of this epoch (Raft's rule).
    if (candidate > this.highWatermarkValue && candidate > this.epochStartOffset) {
      this.highWatermarkValue = candidate;
      this.env.onCommit?.(candidate);
      this.completeParkedFetches();
    }
  }

  private checkQuorumDeadline(): number {
    const others = this.env.voters.filter((id) => id !== this.nodeId);
    const needed = Math.floor(this.env.voters.length / 2);
    const times = others.map((id) => this.progress.get(id)?.lastFetchMs ?? this.leaderSinceMs).sort((a, b) => b - a);
    const since = times[needed - 1] ?? this.leaderSinceMs;
    return Math.max(since, this.leaderSinceMs) + this.config.fetchTimeoutMs * 1.5;
  }

  private resign(now: number, graceful: boolean): void {
    const epoch = this.epochValue;
    const successors = this.env.voters
      .filter((id) => id !== this.nodeId)
      .sort((a, b) => Number((this.progress.get(b)?.endOffset ?? 0n) - (this.progress.get(a)?.endOffset ?? 0n)));
    this.dropParkedFetches();
    this.roleValue = 'resigned';
    this.leaderIdValue = -1;
    this.persist();
    this.progress.clear();
    this.retries.clear();
    if (graceful) {
      for (const to of successors) this.env.send(to, { kind: 'end-epoch', epoch, leaderId: this.nodeId, preferredSuccessors: successors });
    }
    this.electionDeadline = now + this.electionTimeout();
    this.changed();
  }

  // ---- Transitions ----

  private becomeUnattached(now: number, epoch: number, votedId: number): void {
    if (this.roleValue === 'leader') this.dropParkedFetches();
    this.roleValue = 'unattached';
    this.epochValue = epoch;
    this.votedId = votedId;
    this.leaderIdValue = -1;
    this.fetchInFlight = undefined;
    this.awaitingFlushOf = undefined;
    this.grants.clear();
    this.rejections.clear();
    this.retries.clear();
    this.progress.clear();
    this.persist();
    this.electionDeadline = now + this.electionTimeout();
    this.changed();
  }

  private becomeProspective(now: number): void {
    if (this.roleValue === 'leader') this.dropParkedFetches();
    this.roleValue = 'prospective';
    this.leaderIdValue = -1;
    this.fetchInFlight = undefined;
    this.awaitingFlushOf = undefined;
    this.progress.clear();
    if (this.askForVotes(now, true)) this.becomeCandidate(now);
  }

  private becomeCandidate(now: number): void {
    this.roleValue = 'candidate';
    this.epochValue += 1;
    this.votedId = this.nodeId;
    this.leaderIdValue = -1;
    this.persist();
    if (this.askForVotes(now, false)) this.becomeLeader(now);
  }

  /** A new round of (pre-)votes with this node's own; true when that alone is a majority. */
  private askForVotes(now: number, preVote: boolean): boolean {
    this.grants.clear();
    this.rejections.clear();
    this.retries.clear();
    this.grants.add(this.nodeId);
    this.electionDeadline = now + this.electionTimeout();
    this.changed();
    if (this.hasMajority(this.grants)) return true;
    for (const to of this.env.voters) if (to !== this.nodeId) this.env.send(to, this.voteRequest(preVote));
    return false;
  }

  private becomeLeader(now: number): void {
    this.roleValue = 'leader';
    this.leaderIdValue = this.nodeId;
    this.persist();
    this.retries.clear();
    this.progress.clear();
    this.leaderSinceMs = now;
    this.electionDeadline = Number.POSITIVE_INFINITY;
    this.epochStartOffset = this.env.log.endOffset();
    this.env.log.appendAsLeader(this.env.leaderChangeRecords(this.epochValue, this.nodeId), this.epochValue);
    this.env.log.requestFlush();
    this.changed();
    for (const to of this.env.voters) {
      if (to !== this.nodeId) this.env.send(to, { kind: 'begin-epoch', epoch: this.epochValue, leaderId: this.nodeId });
    }
    this.maybeAdvanceHighWatermark(now);
  }

  private becomeFollower(now: number, epoch: number, leaderId: number): void {
    if (this.roleValue === 'leader') this.dropParkedFetches();
    const newEpoch = epoch !== this.epochValue;
    this.roleValue = 'follower';
    if (newEpoch) this.votedId = -1;
    this.epochValue = epoch;
    this.leaderIdValue = leaderId;
    this.persist();
    this.grants.clear();
    this.rejections.clear();
    this.retries.clear();
    this.progress.clear();
    this.fetchInFlight = undefined;
    this.awaitingFlushOf = undefined;
    this.nextFetchAt = now;
    this.fetchTimerStartMs = now;
    this.electionDeadline = Number.POSITIVE_INFINITY;
    this.changed();
    this.maybeFetch(now);
  }

  /** A peer answered from a later epoch: follow it (or wait for its leader). Returns true when this node stepped down. */
  private stepDownIfBehind(now: number, epoch: number, leaderId: number): boolean {
    if (epoch < this.epochValue) return false;
    if (epoch === this.epochValue) {
      if (leaderId >= 0 && leaderId !== this.nodeId && this.leaderIdValue === -1 && this.roleValue !== 'candidate') {
        this.becomeFollower(now, epoch, leaderId);
        return true;
      }
      return false;
    }
    if (leaderId >= 0 && leaderId !== this.nodeId) this.becomeFollower(now, epoch, leaderId);
    else this.becomeUnattached(now, epoch, -1);
    return true;
  }

  private backOffElection(now: number): void {
    // Lost: wait a random while before trying again, so that two candidates do not keep colliding.
    this.roleValue = 'unattached';
    this.grants.clear();
    this.rejections.clear();
    this.retries.clear();
    this.electionDeadline = now + this.config.retryBackoffMs + this.randomBelow(this.config.electionBackoffMaxMs);
    this.changed();
  }

  private voteRequest(preVote: boolean): VoteRequest {
    return {
      kind: 'vote',
      epoch: preVote ? this.epochValue + 1 : this.epochValue,
      candidateId: this.nodeId,
      lastEpoch: this.env.log.lastEpoch(),
      lastOffset: this.env.log.endOffset(),
      preVote,
    };
  }

  private retryRequests(now: number, request: (to: number) => RaftRequest<Slice>): void {
    for (const [to, at] of [...this.retries]) {
      if (now < at) continue;
      this.retries.delete(to);
      this.env.send(to, request(to));
    }
  }

  private hasMajority(set: ReadonlySet<number>): boolean {
    let count = 0;
    for (const id of this.env.voters) if (set.has(id)) count++;
    return count > this.env.voters.length / 2;
  }

  private electionTimeout(): number {
    return this.config.electionTimeoutMs + this.randomBelow(this.config.electionTimeoutMs);
  }

  private randomBelow(limit: number): number {
    return Math.floor(this.env.random() * limit);
  }

  private persist(): void {
    this.env.store.write({ epoch: this.epochValue, votedId: this.votedId, leaderId: this.leaderIdValue });
  }

  private changed(): void {
    this.env.onStateChange?.(this);
  }
}

/** Raft's "at least as up to date": later last epoch, or the same epoch and at least as long. */
export function compareLogs(epochA: number, endA: bigint, epochB: number, endB: bigint): number {
  if (epochA !== epochB) return epochA - epochB;
  return endA === endB ? 0 : endA > endB ? 1 : -1;
}
