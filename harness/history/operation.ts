/**
 * The recorded history of a run, after Jepsen: every client operation is an `invoke` followed by
 * exactly one completion: `ok` (it happened), `fail` (it certainly did not) or `info` (unknown:
 * a timeout, a lost connection, a crash). Nemesis operations are recorded the same way, so the
 * history alone explains a run.
 */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

/** A producer sent message `id` (unique within a run) towards `partition`. */
export interface SendOp {
  f: 'send';
  type: OpType;
  /** The logical client process that issued it; one operation at a time per process. */
  process: number;
  /** Milliseconds since the start of the run. */
  time: number;
  /** The producer (as named in the experiment) that sent it. */
  client?: string;
  id: number;
  partition: number;
  /** Set on `ok` when the broker returned it (acks 1 or all). */
  offset?: number;
  /**
   * Set on `ok` when the client reported the send done although no broker answered for its
   * partition (kafkajs resolving send() with no result for it): the checker counts the send as
   * indeterminate, and as a phantom acknowledgement if its message is never read.
   */
  unanswered?: boolean;
  /** Set on `fail` and `info`. */
  error?: string;
}

/**
 * A consumer read messages; `reads` holds [partition, offset, id] triples in the order read, id -1
 * for a value that is not a message id. One op is one fetched batch (the drain) or one delivered
 * message (a consumer-group member).
 */
export interface PollOp {
  f: 'poll';
  type: 'ok';
  /** -1: a reader of the harness's own (the drain); -2: a consumer-group member, named in `consumer`. */
  process: number;
  time: number;
  reads: [number, number, number][];
  /** Which consumer read: "drain", or a group member and its incarnation ("c1#0"). Poll order is checked per consumer. */
  consumer?: string;
  /** The consumer's group generation as it counts them (joins so far): poll order is only checked within one. */
  generation?: number;
  /** Set when the read is of another topic than the workload's (a pipeline's output). */
  topic?: string;
  /** How the consumer read: only committed transactions (the default) or everything. */
  isolation?: 'committed' | 'uncommitted';
  /** For output records: the transaction that wrote each read, parallel to `reads`. */
  txns?: string[];
  /** Indexes into `reads` of values that are not whole workload messages: bytes changed in the log or on the way. */
  corrupt?: number[];
}

/**
 * One transaction of a consume-transform-produce pipeline worker: `inputs` are the input records
 * ([partition, offset, id]) it turns into output and whose offsets it commits in the transaction.
 * ok = committed, fail = certainly not committed (aborted on purpose, or fenced), info = unknown.
 */
export interface TxnOp {
  f: 'txn';
  type: OpType;
  process: string;
  time: number;
  txn: string;
  inputs?: [number, number, number][];
  error?: string;
}

/** A fault being injected or healed. */
export interface NemesisOp {
  f: 'fault' | 'heal';
  type: 'invoke' | 'ok' | 'fail' | 'info';
  process: 'nemesis';
  time: number;
  fault: string;
  nodes: number[];
  detail?: string;
}

/** Who led a partition when the harness looked. Explains which node acknowledged what. */
export interface LeaderOp {
  f: 'leader';
  type: 'ok';
  process: 'observer';
  time: number;
  partition: number;
  leader: number;
  epoch?: number;
  isr?: number[];
}

/**
 * The metadata workload asked the cluster to create a topic: ok = the controller answered that it
 * was created (the record committed to the metadata log); info = unknown (an error, no answer).
 */
export interface CreateTopicOp {
  f: 'create-topic';
  type: OpType;
  process: 'metadata';
  time: number;
  topic: string;
  error?: string;
}
/** What a node's quorum-state file said when the harness looked: its Raft epoch, its leader in it (-1: none known) and its vote. */
export interface QuorumOp {
  f: 'quorum';
  type: 'ok';
  process: 'observer';
  time: number;
  node: number;
  epoch: number;
  leader: number;
  voted: number;
}
/**
 * Record batches a node's metadata log holds that the harness had not seen there before (new, or
 * rewritten after a truncation): [base offset, leader epoch, CRC] each.
 */
export interface MetadataLogOp {
  f: 'metadata-log';
  type: 'ok';
  process: 'observer';
  time: number;
  node: number;
  batches: [number, number, number][];
}
/**
 * A node's metadata at the end of a run: the topics its own Metadata answer lists, and the batch
 * headers of its metadata log ([base offset, leader epoch, CRC]); fail when it could not be asked
 * (the batches are still read from its disk).
 */
export interface MetadataReadOp {
  f: 'metadata-read';
  type: 'ok' | 'fail';
  process: 'metadata';
  time: number;
  node: number;
  topics?: string[];
  batches?: [number, number, number][];
  error?: string;
}
export type Operation = SendOp | PollOp | NemesisOp | LeaderOp | TxnOp | CreateTopicOp | QuorumOp | MetadataLogOp | MetadataReadOp;
