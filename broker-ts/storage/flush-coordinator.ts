// Flushes of one log never overlap: a flush requested while another runs is queued, and every
// request made meanwhile shares that queued flush (group commit). The coordinator also owns the
// recovery point, which only moves up when a flush completes; a truncation during a flush caps
// what that flush may claim, since the data it wrote above the cut is gone.

/** An offset below which segments are flushed, or 'end' for everything appended by the time the flush starts. */
export type FlushTarget = bigint | 'end';

export interface FlushWork {
  logEndOffset(): bigint;
  /**
   * Moves the data to flush into the files synchronously, then resolves once it is fsynced.
   * `target` is the offset the flush makes durable (upTo, bounded by the log end).
   */
  flush(upTo: FlushTarget, target: bigint): Promise<void>;
  recoveryPointAdvanced(recoveryPoint: bigint): void;
}

export class FlushCoordinator {
  private recoveryPointOffset: bigint;
  private requestedUpTo: bigint;
  private inFlight: Promise<void> | undefined;
  private inFlightTarget = -1n;
  private queued: Promise<void> | undefined;
  private queuedTarget: FlushTarget | undefined;
  private readonly caps = new Set<{ cap: bigint }>();

  constructor(
    private readonly work: FlushWork,
    recoveryPoint: bigint,
  ) {
    this.recoveryPointOffset = recoveryPoint;
    this.requestedUpTo = recoveryPoint;
  }

  /** Everything below it is known to be on disk. */
  get recoveryPoint(): bigint {
    return this.recoveryPointOffset;
  }

  /** The offset that completed, running and queued flushes will have made durable. */
  get flushedOrRequestedUpTo(): bigint {
    return this.requestedUpTo > this.recoveryPointOffset ? this.requestedUpTo : this.recoveryPointOffset;
  }

  request(upTo: FlushTarget): Promise<void> {
    if (this.inFlight === undefined) return this.start(upTo);
    const requested = upTo === 'end' ? this.work.logEndOffset() : upTo;
    if (requested > this.requestedUpTo) this.requestedUpTo = requested;
    const queued = this.queuedTarget;
    this.queuedTarget = queued === undefined || upTo === 'end' || (queued !== 'end' && upTo > queued) ? upTo : queued;
    this.queued ??= this.inFlight
      .catch(() => undefined)
      .then(() => {
        const target = this.queuedTarget ?? 'end';
        this.queued = undefined;
        this.queuedTarget = undefined;
        return this.start(target);
      });
    return this.queued;
  }

  /** The running or queued flush that will make `offset` durable, if there is one. */
  covering(offset: bigint): Promise<void> | undefined {
    if (offset < this.recoveryPointOffset) return undefined;
    if (this.queued !== undefined && (this.queuedTarget === 'end' || (this.queuedTarget !== undefined && this.queuedTarget > offset))) {
      return this.queued;
    }
    if (this.inFlight !== undefined && this.inFlightTarget > offset) return this.inFlight;
    return undefined;
  }

  /** The log was cut at `offset`. Returns whether the recovery point went down. */
  truncatedTo(offset: bigint): boolean {
    for (const flush of this.caps) if (flush.cap > offset) flush.cap = offset;
    if (this.requestedUpTo > offset) this.requestedUpTo = offset;
    if (this.recoveryPointOffset <= offset) return false;
    this.recoveryPointOffset = offset;
    return true;
  }

  /** The log was emptied and restarted at `offset`, where nothing is left to flush. */
  restartedAt(offset: bigint): void {
    for (const flush of this.caps) if (flush.cap > offset) flush.cap = offset;
    this.recoveryPointOffset = offset;
    this.requestedUpTo = offset;
  }

  /** Resolves when no flush is running or queued. */
  async settled(): Promise<void> {
    while (this.inFlight !== undefined || this.queued !== undefined) {
      await Promise.allSettled([this.inFlight, this.queued]);
    }
  }

  private start(upTo: FlushTarget): Promise<void> {
    const logEnd = this.work.logEndOffset();
    const target = upTo === 'end' || upTo > logEnd ? logEnd : upTo;
    if (target > this.requestedUpTo) this.requestedUpTo = target;
    const cap = { cap: target };
    this.caps.add(cap);
    this.inFlightTarget = target;
    const flush = this.work
      .flush(upTo, target)
      .then(() => {
        if (cap.cap > this.recoveryPointOffset) {
          this.recoveryPointOffset = cap.cap;
          this.work.recoveryPointAdvanced(cap.cap);
        }
      })
      .finally(() => {
        this.caps.delete(cap);
        if (this.inFlight === flush) this.inFlight = undefined;
      });
    this.inFlight = flush;
    return flush;
  }
}
