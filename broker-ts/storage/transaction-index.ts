// What read_committed consumers need from a partition's completed transactions, after Kafka's
// transaction index and ProducerStateManager's unreplicated transactions: the aborted ones (Fetch
// lists those overlapping what it returns, so the consumer can drop their records), and the
// completed ones whose marker the high watermark has not passed yet (until it does, a consumer
// could see the data without the marker that decides it, so they keep the last stable offset back).
//
// Kept in memory: a clean close checkpoints the aborted transactions; otherwise (after a crash, or a
// truncation) they are rebuilt by reading the log. Kafka keeps them in .txnindex files beside the
// segments instead.
import type { CompletedTxn } from './producer-state.js';

export interface AbortedTxn {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
  /** The offset of the abort marker. */
  readonly lastOffset: bigint;
}

export class TransactionIndex {
  /** Ordered by marker offset, as they were appended. */
  private aborted: AbortedTxn[] = [];
  private unreplicated: CompletedTxn[] = [];

  onCompleted(txn: CompletedTxn, isAborted: boolean): void {
    if (isAborted) this.aborted.push(txn);
    this.unreplicated.push(txn);
  }

  /** First offset of the oldest completed transaction whose marker is not below the high watermark yet. */
  firstUnreplicatedOffset(highWatermark: bigint): bigint | undefined {
    // Markers are appended in offset order, so the replicated ones are a prefix.
    let replicated = 0;
    while (replicated < this.unreplicated.length && this.unreplicated[replicated]!.lastOffset < highWatermark) replicated++;
    if (replicated > 0) this.unreplicated = this.unreplicated.slice(replicated);
    let first: bigint | undefined;
    for (const txn of this.unreplicated) if (first === undefined || txn.firstOffset < first) first = txn.firstOffset;
    return first;
  }

  /** Aborted transactions with data in [startOffset, upperBound): those whose marker is at or after startOffset. */
  collectAborted(startOffset: bigint, upperBound: bigint): AbortedTxn[] {
    const found: AbortedTxn[] = [];
    for (let i = this.firstMarkerAtOrAfter(startOffset); i < this.aborted.length; i++) {
      const txn = this.aborted[i]!;
      if (txn.firstOffset < upperBound) found.push(txn);
    }
    return found;
  }

  /** The log start moved: transactions wholly below it are gone. */
  deleteBefore(logStartOffset: bigint): void {
    this.aborted = this.aborted.slice(this.firstMarkerAtOrAfter(logStartOffset));
  }

  /** Every aborted transaction, oldest marker first (what a clean close checkpoints). */
  abortedTransactions(): readonly AbortedTxn[] {
    return this.aborted;
  }

  /** Restores the aborted transactions a clean close recorded. */
  loadAborted(aborted: readonly AbortedTxn[]): void {
    this.aborted = [...aborted];
  }

  clear(): void {
    this.aborted = [];
    this.unreplicated = [];
  }

  get abortedCount(): number {
    return this.aborted.length;
  }

  private firstMarkerAtOrAfter(offset: bigint): number {
    let low = 0;
    let high = this.aborted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.aborted[mid]!.lastOffset < offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
