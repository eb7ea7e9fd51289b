// The transaction coordinator, after Kafka's TransactionCoordinator and TransactionStateManager
// (transaction protocol version 1, as kafkajs and the Java client speak it without KIP-890's
// second version). A transactional id lives in the __transaction_state partition it hashes to; this
// node serves the ids of the partitions it leads, once their records are loaded, and every state
// change is written there (and replicated) before it takes effect or is answered:
//
//   Empty/Complete* --AddPartitions/AddOffsets--> Ongoing --EndTxn--> PrepareCommit|PrepareAbort
//     --markers written to every partition--> CompleteCommit|CompleteAbort
//
// InitProducerId bumps the producer epoch, which fences older incarnations of the producer (their
// requests get PRODUCER_FENCED, or INVALID_PRODUCER_EPOCH in versions before KIP-588); if a
// transaction is still open it is first aborted with a bumped epoch and the new producer is told to
// retry (CONCURRENT_TRANSACTIONS). A transaction open longer than its timeout is aborted the same
// way. Markers are retried until every partition has taken them; a new coordinator (after a
// failover) finds the Prepare state in the log and finishes the job.
import type { Logger } from '../logging/logger.js';
import { ErrorCode } from '@kafka-chaos/protocol';
import type { Partition } from '../replication/partition.js';
import { asCoordinatorError } from '../coordinator/coordinator-log.js';
import type { CoordinatorLog } from '../coordinator/coordinator-log.js';
import { partitionForKey } from '../coordinator/partitioner.js';
import {
  TXN_STATE_NAMES,
  TxnState,
  decodeTransactionLogKey,
  decodeTransactionLogValue,
  transactionLogKey,
  transactionLogValue,
} from './transaction-log-records.js';
import type { TransactionLogValueData } from './transaction-log-records.js';
import type { TopicPartition, TxnMarker } from './txn-markers.js';

export interface TransactionCoordinatorSettings {
  transactionStatePartitions: number;
  /** transaction.max.timeout.ms */
  maxTimeoutMs: number;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms */
  abortTimedOutIntervalMs: number;
}

/** Where markers go (TxnMarkerChannel in a broker); failed partitions come back with their error. */
export interface MarkerWriter {
  write(marker: TxnMarker, partitions: readonly TopicPartition[]): Promise<Map<TopicPartition, number>>;
}

export interface InitProducerIdResult {
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
}

/** Kafka's limit: an epoch that would reach Short.MAX_VALUE is replaced by a new producer id. */
const MAX_PRODUCER_EPOCH = 32767;
const MARKER_RETRY_BACKOFF_MS = 100;
const MARKER_RETRY_MAX_BACKOFF_MS = 2000;

/** One transactional id as DescribeTransactions answers it; only the error and the id when there is an error. */
export interface DescribedTransaction {
  errorCode: number;
  transactionalId: string;
  state?: string;
  timeoutMs?: number;
  startTimestampMs?: bigint;
  producerId?: bigint;
  producerEpoch?: number;
  topics?: { topic: string; partitions: number[] }[];
}

interface TransactionMetadata {
  readonly transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  /** The epoch before the last bump, so a retried InitProducerId (KIP-360) is recognised. */
  lastProducerEpoch: number;
  timeoutMs: number;
  state: TxnState;
  partitions: Map<string, Set<number>>;
  startTimestampMs: bigint;
  lastUpdateTimestampMs: bigint;
  /** A state write is in flight: other requests wait (CONCURRENT_TRANSACTIONS). */
  pendingWrite: boolean;
}

export class TransactionCoordinator {
  private readonly txns = new Map<string, TransactionMetadata>();
  private readonly loaded = new Set<number>();
  /** The leader epoch of each loaded __transaction_state partition: the coordinator epoch of its markers. */
  private readonly coordinatorEpochs = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  /** Set by the broker: whether a partition still exists (markers for deleted topics are dropped). */
  partitionExists: (tp: TopicPartition) => boolean = () => true;

  constructor(
    private readonly settings: TransactionCoordinatorSettings,
    private readonly log: CoordinatorLog,
    private readonly markers: MarkerWriter,
    private readonly generateProducerId: () => Promise<bigint>,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.abortTimedOutTransactions(), this.settings.abortTimedOutIntervalMs);
    this.timer.unref();
  }

  shutdown(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.loaded.clear();
    this.txns.clear();
  }

  partitionFor(transactionalId: string): number {
    return partitionForKey(transactionalId, this.settings.transactionStatePartitions);
  }

  /** NONE when this node serves the transactional id now, else NOT_COORDINATOR. */
  coordinatorError(transactionalId: string): number {
    return this.loaded.has(this.partitionFor(transactionalId)) ? ErrorCode.NONE : ErrorCode.NOT_COORDINATOR;
  }

  /** For tests and logs. */
  describe(transactionalId: string): { state: string; producerId: bigint; producerEpoch: number; partitions: string[] } | undefined {
    const txn = this.txns.get(transactionalId);
    if (txn === undefined) return undefined;
    return {
      state: TXN_STATE_NAMES[txn.state],
      producerId: txn.producerId,
      producerEpoch: txn.producerEpoch,
      partitions: [...txn.partitions].flatMap(([topic, ps]) => [...ps].map((p) => `${topic}-${p}`)),
    };
  }

  /**
   * DescribeTransactions: a transactional id's state as this coordinator holds it, or why it cannot
   * say (NOT_COORDINATOR elsewhere, TRANSACTIONAL_ID_NOT_FOUND, INVALID_REQUEST for an empty id).
   */
  describeTransaction(transactionalId: string): DescribedTransaction {
    const missing = (errorCode: number): DescribedTransaction => ({ errorCode, transactionalId });
    if (transactionalId === '') return missing(ErrorCode.INVALID_REQUEST);
    const coordinatorError = this.coordinatorError(transactionalId);
    if (coordinatorError !== ErrorCode.NONE) return missing(coordinatorError);
    const txn = this.txns.get(transactionalId);
    // Dead: being expired, as Kafka treats it.
    if (txn === undefined || txn.state === TxnState.Dead) return missing(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    return {
      errorCode: ErrorCode.NONE,
      transactionalId,
      state: TXN_STATE_NAMES[txn.state],
      timeoutMs: txn.timeoutMs,
      startTimestampMs: txn.startTimestampMs,
      producerId: txn.producerId,
      producerEpoch: txn.producerEpoch,
      topics: [...txn.partitions].map(([topic, partitions]) => ({ topic, partitions: [...partitions] })),
    };
  }

  /**
   * ListTransactions: the transactions this node coordinates, Dead ones left out, filtered by state
   * name, producer id, how long they have run (over `minDurationMs`, when not negative) and a
   * transactional id pattern (matched whole, as Java's Pattern.matches does).
   */
  listTransactions(filter: { states: readonly string[]; producerIds: readonly bigint[]; minDurationMs: bigint; pattern: RegExp | undefined }): {
    unknownStates: string[];
    transactions: { transactionalId: string; producerId: bigint; state: string }[];
  } {
    const known = new Set<string>(Object.values(TXN_STATE_NAMES));
    const unknownStates = filter.states.filter((name) => !known.has(name));
    const states = new Set(filter.states.filter((name) => known.has(name)));
    const producerIds = new Set(filter.producerIds);
    const now = BigInt(this.now());
    const transactions = [...this.txns.values()]
      .filter(
        (txn) =>
          txn.state !== TxnState.Dead &&
          (producerIds.size === 0 || producerIds.has(txn.producerId)) &&
          (states.size === 0 || states.has(TXN_STATE_NAMES[txn.state])) &&
          (filter.minDurationMs < 0n || now - txn.startTimestampMs > filter.minDurationMs) &&
          (filter.pattern === undefined || filter.pattern.test(txn.transactionalId)),
      )
      .map((txn) => ({ transactionalId: txn.transactionalId, producerId: txn.producerId, state: TXN_STATE_NAMES[txn.state] }));
    return { unknownStates, transactions };
  }

  // ---- Loading: this node starts or stops leading a partition of __transaction_state ----

  onLeadershipChange(partition: Partition, leading: boolean): void {
    if (leading) this.load(partition);
    else this.unload(partition.index);
  }

  private load(partition: Partition): void {
    const index = partition.index;
    const latest = new Map<string, TransactionLogValueData | null>();
    for (const batch of this.log.batches(partition)) {
      if (batch.kind !== 'records') continue;
      for (const record of batch.records) {
        const transactionalId = decodeTransactionLogKey(record.key);
        if (transactionalId === undefined) continue;
        latest.set(transactionalId, record.value === null ? null : decodeTransactionLogValue(record.value));
      }
    }
    this.unload(index);
    const toComplete: TransactionMetadata[] = [];
    for (const [transactionalId, value] of latest) {
      if (value === null || this.partitionFor(transactionalId) !== index) continue;
      const txn: TransactionMetadata = {
        transactionalId,
        producerId: value.producerId,
        producerEpoch: value.producerEpoch,
        lastProducerEpoch: -1,
        timeoutMs: value.transactionTimeoutMs,
        state: value.state,
        partitions: new Map([...value.partitions].map(([topic, ps]) => [topic, new Set(ps)])),
        startTimestampMs: value.startTimestampMs,
        lastUpdateTimestampMs: value.lastUpdateTimestampMs,
        pendingWrite: false,
      };
      this.txns.set(transactionalId, txn);
      if (txn.state === TxnState.PrepareCommit || txn.state === TxnState.PrepareAbort) toComplete.push(txn);
    }
    this.coordinatorEpochs.set(index, partition.leaderEpoch);
    this.loaded.add(index);
    this.logger.info(
      { partition: index, transactionalIds: [...this.txns.keys()].filter((id) => this.partitionFor(id) === index).length, resumed: toComplete.length },
      'loaded transaction coordinator partition',
    );
    // A previous coordinator decided these but may not have written every marker.
    for (const txn of toComplete) void this.completeTransaction(txn);
  }

  private unload(index: number): void {
    this.loaded.delete(index);
    this.coordinatorEpochs.delete(index);
    for (const transactionalId of [...this.txns.keys()]) if (this.partitionFor(transactionalId) === index) this.txns.delete(transactionalId);
  }

  // ---- InitProducerId ----

  async initProducerId(transactionalId: string, timeoutMs: number, expectedProducerId: bigint, expectedEpoch: number): Promise<InitProducerIdResult> {
    const fail = (errorCode: number): InitProducerIdResult => ({ errorCode, producerId: -1n, producerEpoch: -1 });
    if (transactionalId === '') return fail(ErrorCode.INVALID_REQUEST);
    if (timeoutMs <= 0 || timeoutMs > this.settings.maxTimeoutMs) return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    const coordinatorError = this.coordinatorError(transactionalId);
    if (coordinatorError !== ErrorCode.NONE) return fail(coordinatorError);

    let txn = this.txns.get(transactionalId);
    if (txn === undefined) {
      let producerId: bigint;
      try {
        producerId = await this.generateProducerId();
      } catch (error) {
        return fail(asCoordinatorError(error).code);
      }
      // The id may have been created, or the partition lost, while the producer id was allocated.
      if (this.coordinatorError(transactionalId) !== ErrorCode.NONE) return fail(ErrorCode.NOT_COORDINATOR);
      txn = this.txns.get(transactionalId);
      if (txn === undefined) {
        const now = BigInt(this.now());
        txn = {
          transactionalId,
          producerId,
          producerEpoch: -1,
          lastProducerEpoch: -1,
          timeoutMs,
          state: TxnState.Empty,
          partitions: new Map(),
          startTimestampMs: -1n,
          lastUpdateTimestampMs: now,
          pendingWrite: false,
        };
        this.txns.set(transactionalId, txn);
      }
    }
    if (txn.pendingWrite) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    if (expectedProducerId >= 0n) {
      // KIP-360: a producer resuming after an error presents what it had; a retry of a bump that succeeded gets the same answer.
      const isRetry = expectedProducerId === txn.producerId && expectedEpoch === txn.lastProducerEpoch && txn.state === TxnState.Empty;
      if (isRetry) return { errorCode: ErrorCode.NONE, producerId: txn.producerId, producerEpoch: txn.producerEpoch };
      if (expectedProducerId !== txn.producerId || expectedEpoch !== txn.producerEpoch) return fail(ErrorCode.PRODUCER_FENCED);
    }
    switch (txn.state) {
      case TxnState.PrepareCommit:
      case TxnState.PrepareAbort:
      case TxnState.PrepareEpochFence:
        return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
      case TxnState.Ongoing:
        // The new incarnation takes over: the open transaction is aborted under a bumped epoch, which fences the old one.
        void this.abortWithBumpedEpoch(txn, 'a new producer with the same transactional id initialized');
        return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
      case TxnState.Dead:
        return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    }
    let producerId = txn.producerId;
    let producerEpoch = txn.producerEpoch + 1;
    if (producerEpoch >= MAX_PRODUCER_EPOCH) {
      try {
        producerId = await this.generateProducerId();
      } catch (error) {
        return fail(asCoordinatorError(error).code);
      }
      producerEpoch = 0;
      if (txn.pendingWrite || this.txns.get(transactionalId) !== txn) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    }
    const previousEpoch = txn.producerEpoch;
    const errorCode = await this.persist(txn, {
      producerId,
      producerEpoch,
      timeoutMs,
      state: TxnState.Empty,
      partitions: new Map(),
      startTimestampMs: -1n,
    });
    if (errorCode !== ErrorCode.NONE) return fail(errorCode);
    txn.lastProducerEpoch = producerId === txn.producerId ? previousEpoch : -1;
    return { errorCode: ErrorCode.NONE, producerId, producerEpoch };
  }

  // ---- AddPartitionsToTxn and AddOffsetsToTxn ----

  /** Adds partitions to the producer's transaction; NONE or the one error of the whole request. */
  async addPartitions(transactionalId: string, producerId: bigint, producerEpoch: number, partitions: readonly TopicPartition[]): Promise<number> {
    const checked = this.checkProducer(transactionalId, producerId, producerEpoch);
    if (typeof checked === 'number') return checked;
    const txn = checked;
    if (txn.pendingWrite || txn.state === TxnState.PrepareCommit || txn.state === TxnState.PrepareAbort || txn.state === TxnState.PrepareEpochFence) {
      return ErrorCode.CONCURRENT_TRANSACTIONS;
    }
    if (txn.state === TxnState.Dead) return ErrorCode.INVALID_TXN_STATE;
    const missing = partitions.filter((tp) => !(txn.partitions.get(tp.topic)?.has(tp.partition) ?? false));
    if (txn.state === TxnState.Ongoing && missing.length === 0) return ErrorCode.NONE;
    const next = new Map([...txn.partitions].map(([topic, ps]) => [topic, new Set(ps)]));
    for (const tp of missing) {
      let set = next.get(tp.topic);
      if (set === undefined) next.set(tp.topic, (set = new Set()));
      set.add(tp.partition);
    }
    return this.persist(txn, {
      state: TxnState.Ongoing,
      partitions: next,
      startTimestampMs: txn.state === TxnState.Ongoing ? txn.startTimestampMs : BigInt(this.now()),
    });
  }

  // ---- EndTxn ----

  async endTransaction(transactionalId: string, producerId: bigint, producerEpoch: number, commit: boolean): Promise<number> {
    const checked = this.checkProducer(transactionalId, producerId, producerEpoch);
    if (typeof checked === 'number') return checked;
    const txn = checked;
    if (txn.pendingWrite) return ErrorCode.CONCURRENT_TRANSACTIONS;
    switch (txn.state) {
      case TxnState.Ongoing: {
        const errorCode = await this.persist(txn, { state: commit ? TxnState.PrepareCommit : TxnState.PrepareAbort });
        // The outcome is decided once the Prepare state is durable; the markers follow.
        if (errorCode === ErrorCode.NONE) void this.completeTransaction(txn);
        return errorCode;
      }
      case TxnState.CompleteCommit:
        return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
      case TxnState.CompleteAbort:
        return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
      case TxnState.PrepareCommit:
        return commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE;
      case TxnState.PrepareAbort:
        return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS;
      default:
        return ErrorCode.INVALID_TXN_STATE;
    }
  }

  // ---- Timeouts ----

  /** Aborts transactions open longer than their timeout, bumping the epoch so their producer is fenced. */
  abortTimedOutTransactions(): void {
    const now = BigInt(this.now());
    for (const txn of this.txns.values()) {
      if (txn.state !== TxnState.Ongoing || txn.pendingWrite) continue;
      if (txn.startTimestampMs + BigInt(txn.timeoutMs) > now) continue;
      void this.abortWithBumpedEpoch(txn, `the transaction timed out after ${txn.timeoutMs} ms`);
    }
  }

  private async abortWithBumpedEpoch(txn: TransactionMetadata, reason: string): Promise<void> {
    if (txn.pendingWrite || txn.state !== TxnState.Ongoing) return;
    // At the epoch limit Kafka aborts without a bump; the next InitProducerId then moves to a new producer id.
    const producerEpoch = txn.producerEpoch + 1 < MAX_PRODUCER_EPOCH ? txn.producerEpoch + 1 : txn.producerEpoch;
    this.logger.info({ transactionalId: txn.transactionalId, producerId: txn.producerId, producerEpoch }, `aborting the open transaction: ${reason}`);
    const previousEpoch = txn.producerEpoch;
    const errorCode = await this.persist(txn, { state: TxnState.PrepareAbort, producerEpoch });
    if (errorCode !== ErrorCode.NONE) {
      this.logger.warn({ transactionalId: txn.transactionalId, errorCode }, 'could not abort the transaction');
      return;
    }
    txn.lastProducerEpoch = previousEpoch;
    await this.completeTransaction(txn);
  }

  // ---- Markers and completion ----

  /** Writes the markers of a Prepare state to every partition of the transaction (retrying), then the Complete state. */
  private async completeTransaction(txn: TransactionMetadata): Promise<void> {
    const commit = txn.state === TxnState.PrepareCommit;
    const index = this.partitionFor(txn.transactionalId);
    const marker: TxnMarker = {
      producerId: txn.producerId,
      producerEpoch: txn.producerEpoch,
      commit,
      coordinatorEpoch: this.coordinatorEpochs.get(index) ?? -1,
    };
    let remaining: TopicPartition[] = [...txn.partitions].flatMap(([topic, ps]) => [...ps].map((partition) => ({ topic, partition })));
    let backoff = MARKER_RETRY_BACKOFF_MS;
    while (remaining.length > 0) {
      if (!this.isCurrent(txn)) return;
      const failed = await this.markers.write(marker, remaining);
      if (!this.isCurrent(txn)) return;
      remaining = [];
      for (const [tp, code] of failed) {
        // A newer epoch is already in the partition: a later coordinator has taken over this transaction.
        if (code === ErrorCode.INVALID_PRODUCER_EPOCH || code === ErrorCode.PRODUCER_FENCED) {
          this.logger.warn({ transactionalId: txn.transactionalId, ...tp }, 'marker refused for a stale producer epoch; giving up on this partition');
          continue;
        }
        // A deleted topic needs no marker.
        if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && !this.partitionExists(tp)) continue;
        remaining.push(tp);
      }
      if (remaining.length > 0) {
        this.logger.debug({ transactionalId: txn.transactionalId, remaining: remaining.length }, 'retrying transaction markers');
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MARKER_RETRY_MAX_BACKOFF_MS);
      }
    }
    for (;;) {
      if (!this.isCurrent(txn)) return;
      const errorCode = await this.persist(txn, { state: commit ? TxnState.CompleteCommit : TxnState.CompleteAbort, partitions: new Map() });
      if (errorCode === ErrorCode.NONE || errorCode === ErrorCode.NOT_COORDINATOR) return;
      await sleep(backoff);
      backoff = Math.min(backoff * 2, MARKER_RETRY_MAX_BACKOFF_MS);
    }
  }

  // ---- Helpers ----

  private checkProducer(transactionalId: string, producerId: bigint, producerEpoch: number): TransactionMetadata | number {
    if (transactionalId === '') return ErrorCode.INVALID_REQUEST;
    const coordinatorError = this.coordinatorError(transactionalId);
    if (coordinatorError !== ErrorCode.NONE) return coordinatorError;
    const txn = this.txns.get(transactionalId);
    if (txn === undefined || txn.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (txn.producerEpoch !== producerEpoch) return ErrorCode.PRODUCER_FENCED;
    return txn;
  }

  private isCurrent(txn: TransactionMetadata): boolean {
    return this.txns.get(txn.transactionalId) === txn && this.loaded.has(this.partitionFor(txn.transactionalId));
  }

  /** Writes the changed state to __transaction_state and applies it once committed; the error code otherwise. */
  private async persist(
    txn: TransactionMetadata,
    change: Partial<Pick<TransactionMetadata, 'producerId' | 'producerEpoch' | 'timeoutMs' | 'state' | 'partitions' | 'startTimestampMs'>>,
  ): Promise<number> {
    const next = {
      producerId: change.producerId ?? txn.producerId,
      producerEpoch: change.producerEpoch ?? txn.producerEpoch,
      timeoutMs: change.timeoutMs ?? txn.timeoutMs,
      state: change.state ?? txn.state,
      partitions: change.partitions ?? txn.partitions,
      startTimestampMs: change.startTimestampMs ?? txn.startTimestampMs,
      lastUpdateTimestampMs: BigInt(this.now()),
    };
    const value = transactionLogValue({
      producerId: next.producerId,
      producerEpoch: next.producerEpoch,
      transactionTimeoutMs: next.timeoutMs,
      state: next.state,
      partitions: new Map([...next.partitions].map(([topic, ps]) => [topic, [...ps].sort((a, b) => a - b)])),
      lastUpdateTimestampMs: next.lastUpdateTimestampMs,
      startTimestampMs: next.startTimestampMs,
    });
    txn.pendingWrite = true;
    try {
      await this.log.append(this.partitionFor(txn.transactionalId), [{ key: transactionLogKey(txn.transactionalId), value }]);
    } catch (error) {
      return asCoordinatorError(error).code;
    } finally {
      txn.pendingWrite = false;
    }
    // Leadership may have moved while the write waited; the new coordinator reloads the state from the log.
    if (!this.isCurrent(txn)) return ErrorCode.NOT_COORDINATOR;
    Object.assign(txn, next);
    return ErrorCode.NONE;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
