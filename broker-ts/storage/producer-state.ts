// Idempotent-producer bookkeeping, after Kafka's ProducerStateManager: per producer id, its epoch and
// the metadata of its last five batches. A leader append is checked against it (duplicates, epoch
// fencing, sequence gaps); follower appends and log replays just apply their batches.
// A transactional batch opens the producer's transaction (its first offset holds the partition's
// last stable offset back); a control batch (the coordinator's commit or abort marker) closes it.
import { isControlBatch, isTransactionalBatch, lastOffsetOf } from '@kafka-chaos/protocol';
import type { BatchHeader } from '@kafka-chaos/protocol';
import { NO_PRODUCER_EPOCH, NO_SEQUENCE, decrementSequence, isNextSequence, lastSequenceOf } from './batch-header-helpers.js';
import { InvalidProducerEpochError, OutOfOrderSequenceError } from './errors.js';

export const BATCHES_RETAINED_PER_PRODUCER = 5;

/** Which path an append came by; it decides how much is validated. */
export type AppendOrigin = 'client' | 'coordinator' | 'replication';

export interface BatchMetadata {
  readonly lastSeq: number;
  readonly lastOffset: bigint;
  readonly offsetDelta: number;
  readonly timestamp: bigint;
}

export interface ProducerStateEntry {
  readonly producerId: bigint;
  producerEpoch: number;
  /** Oldest first, at most BATCHES_RETAINED_PER_PRODUCER. */
  batches: BatchMetadata[];
  coordinatorEpoch: number;
  lastTimestamp: bigint;
  currentTxnFirstOffset: bigint | undefined;
}

/** A transaction closed by a marker: its data spans [firstOffset, lastOffset), the marker sits at lastOffset. */
export interface CompletedTxn {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
  readonly lastOffset: bigint;
}

export function firstSequenceOf(batch: BatchMetadata): number {
  return decrementSequence(batch.lastSeq, batch.offsetDelta);
}

export function firstOffsetOf(batch: BatchMetadata): bigint {
  return batch.lastOffset - BigInt(batch.offsetDelta);
}

function lastSequenceOfEntry(entry: ProducerStateEntry | undefined): number {
  return entry?.batches.at(-1)?.lastSeq ?? NO_SEQUENCE;
}

/** Changes one append makes to one producer, validated batch by batch and applied by commit(). */
export class ProducerAppendInfo {
  private epoch: number;
  private readonly batches: BatchMetadata[] = [];
  private lastTimestamp: bigint;
  private currentTxnFirstOffset: bigint | undefined;

  constructor(
    readonly producerId: bigint,
    private readonly current: ProducerStateEntry | undefined,
    private readonly origin: AppendOrigin,
  ) {
    this.epoch = current?.producerEpoch ?? NO_PRODUCER_EPOCH;
    this.lastTimestamp = current?.lastTimestamp ?? -1n;
    this.currentTxnFirstOffset = current?.currentTxnFirstOffset;
  }

  /**
   * Adds a batch stored at [firstOffset, lastOffset] with max timestamp `timestamp`, or throws. A
   * marker returns the transaction it completes.
   */
  append(header: BatchHeader, firstOffset: bigint, lastOffset: bigint, timestamp: bigint): CompletedTxn | undefined {
    this.checkProducerEpoch(header.producerEpoch, firstOffset);
    if (isControlBatch(header.attributes)) {
      this.updateEpoch(header.producerEpoch);
      this.lastTimestamp = timestamp;
      // As Kafka does, a marker without data before it still completes a (empty) transaction at its own offset.
      const completed = { producerId: this.producerId, firstOffset: this.currentTxnFirstOffset ?? firstOffset, lastOffset: firstOffset };
      this.currentTxnFirstOffset = undefined;
      return completed;
    }
    if (this.origin === 'client') this.checkSequence(header.producerEpoch, header.baseSequence, firstOffset);
    this.updateEpoch(header.producerEpoch);
    if (this.batches.length === BATCHES_RETAINED_PER_PRODUCER) this.batches.shift();
    this.batches.push({ lastSeq: lastSequenceOf(header), lastOffset, offsetDelta: Number(lastOffset - firstOffset), timestamp });
    this.lastTimestamp = timestamp;
    if (isTransactionalBatch(header.attributes) && this.currentTxnFirstOffset === undefined) this.currentTxnFirstOffset = firstOffset;
    return undefined;
  }

  /** Folds these changes into `entry` (or creates it) and returns it. */
  applyTo(entry: ProducerStateEntry | undefined): ProducerStateEntry {
    const target: ProducerStateEntry = entry ?? {
      producerId: this.producerId,
      producerEpoch: this.epoch,
      batches: [],
      coordinatorEpoch: -1,
      lastTimestamp: this.lastTimestamp,
      currentTxnFirstOffset: undefined,
    };
    if (target.producerEpoch !== this.epoch) {
      target.producerEpoch = this.epoch;
      target.batches = [];
    }
    for (const batch of this.batches) {
      if (target.batches.length === BATCHES_RETAINED_PER_PRODUCER) target.batches.shift();
      target.batches.push(batch);
    }
    target.lastTimestamp = this.lastTimestamp;
    target.currentTxnFirstOffset = this.currentTxnFirstOffset;
    return target;
  }

  private updateEpoch(epoch: number): void {
    if (this.epoch !== epoch) {
      this.epoch = epoch;
      this.batches.length = 0;
    }
  }

  private checkProducerEpoch(epoch: number, offset: bigint): void {
    // A replica copies what the leader accepted, even from an older epoch.
    if (epoch < this.epoch && this.origin !== 'replication') {
      throw new InvalidProducerEpochError(`epoch ${epoch} of producer ${this.producerId} at offset ${offset} is older than the last seen epoch ${this.epoch}`);
    }
  }

  /**
   * Kafka's rules: a new epoch of a known producer must start at sequence 0; within an epoch each
   * batch must continue the previous one. A producer the partition has no state for (never seen,
   * or expired) is accepted at any sequence, which is why current Kafka never answers
   * UNKNOWN_PRODUCER_ID to a produce.
   */
  private checkSequence(epoch: number, firstSeq: number, offset: bigint): void {
    if (epoch !== this.epoch) {
      if (firstSeq !== 0 && this.epoch !== NO_PRODUCER_EPOCH) {
        throw new OutOfOrderSequenceError(`producer ${this.producerId} starts epoch ${epoch} at sequence ${firstSeq} (offset ${offset}), expected 0`);
      }
      return;
    }
    const currentEpoch = this.current?.producerEpoch ?? NO_PRODUCER_EPOCH;
    let lastSeq: number;
    if (this.batches.length > 0) lastSeq = this.batches.at(-1)!.lastSeq;
    else if (epoch === currentEpoch) lastSeq = lastSequenceOfEntry(this.current);
    else lastSeq = NO_SEQUENCE;
    if (currentEpoch !== NO_PRODUCER_EPOCH && !isNextSequence(lastSeq, firstSeq)) {
      throw new OutOfOrderSequenceError(`producer ${this.producerId} sent sequence ${firstSeq} at offset ${offset} after sequence ${lastSeq}`);
    }
  }
}

export class ProducerStateManager {
  private readonly producers = new Map<bigint, ProducerStateEntry>();
  /** First offset of each producer's open transaction. */
  private readonly ongoing = new Map<bigint, bigint>();

  constructor(private readonly producerIdExpirationMs: number) {}

  get(producerId: bigint): ProducerStateEntry | undefined {
    return this.producers.get(producerId);
  }

  entries(): IterableIterator<ProducerStateEntry> {
    return this.producers.values();
  }

  get size(): number {
    return this.producers.size;
  }

  /** A retried batch: same producer epoch and sequence range as one of the last five stored. */
  findDuplicate(header: BatchHeader): BatchMetadata | undefined {
    const entry = this.producers.get(header.producerId);
    if (entry === undefined || entry.producerEpoch !== header.producerEpoch) return undefined;
    const lastSeq = lastSequenceOf(header);
    return entry.batches.find((b) => firstSequenceOf(b) === header.baseSequence && b.lastSeq === lastSeq);
  }

  prepare(producerId: bigint, origin: AppendOrigin): ProducerAppendInfo {
    return new ProducerAppendInfo(producerId, this.producers.get(producerId), origin);
  }

  commit(info: ProducerAppendInfo): void {
    this.track(info.applyTo(this.producers.get(info.producerId)));
  }

  /** Applies a batch already in the log (follower append, replay on open) without validating it. */
  replay(header: BatchHeader): CompletedTxn | undefined {
    const info = this.prepare(header.producerId, 'replication');
    const completed = info.append(header, header.baseOffset, lastOffsetOf(header), header.maxTimestamp);
    this.commit(info);
    return completed;
  }

  /** The first offset of the oldest open transaction: nothing from it on is stable. */
  firstOngoingTxnOffset(): bigint | undefined {
    let first: bigint | undefined;
    for (const offset of this.ongoing.values()) if (first === undefined || offset < first) first = offset;
    return first;
  }

  ongoingTxnCount(): number {
    return this.ongoing.size;
  }

  private track(entry: ProducerStateEntry): void {
    this.producers.set(entry.producerId, entry);
    if (entry.currentTxnFirstOffset === undefined) this.ongoing.delete(entry.producerId);
    else this.ongoing.set(entry.producerId, entry.currentTxnFirstOffset);
  }

  /** Forgets producers idle for producer.id.expiration.ms (never one with an open transaction). */
  removeExpired(nowMs: number): void {
    for (const [producerId, entry] of this.producers) {
      if (this.isExpired(entry, nowMs)) this.producers.delete(producerId);
    }
  }

  load(entries: Iterable<ProducerStateEntry>, nowMs: number): void {
    for (const entry of entries) {
      if (!this.isExpired(entry, nowMs)) this.track(entry);
    }
  }

  clear(): void {
    this.producers.clear();
    this.ongoing.clear();
  }

  private isExpired(entry: ProducerStateEntry, nowMs: number): boolean {
    return entry.currentTxnFirstOffset === undefined && nowMs - Number(entry.lastTimestamp) >= this.producerIdExpirationMs;
  }
}
