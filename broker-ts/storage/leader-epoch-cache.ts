// Which leader epoch started at which offset, as Kafka's LeaderEpochFileCache keeps it, persisted in
// leader-epoch-checkpoint ("0", count, then "epoch startOffset" lines). A new leader stamps its
// epoch on every batch it appends; followers use endOffsetFor (OffsetsForLeaderEpoch) to find where
// their log diverges from the leader's and truncate there.
import path from 'node:path';
import { CheckpointWriter, CorruptCheckpointError, readCheckpoint, renderCheckpoint } from './checkpoint-file.js';
import { LEADER_EPOCH_CHECKPOINT } from './log-file-names.js';

export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1n;

export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: bigint;
}

export interface EpochEndOffset {
  epoch: number;
  endOffset: bigint;
}

export class LeaderEpochCache {
  private epochs: EpochEntry[];
  private readonly writer: CheckpointWriter;

  private constructor(
    file: string,
    epochs: EpochEntry[],
    /** Whether a readable checkpoint was found; when not, the log rebuilds the cache from its batches. */
    readonly loadedFromCheckpoint: boolean,
    private readonly onWriteError: (error: unknown) => void,
  ) {
    this.epochs = epochs;
    this.writer = new CheckpointWriter(file, () => renderCheckpoint(this.epochs.map((e) => [e.epoch, e.startOffset])));
  }

  static load(dir: string, onWriteError: (error: unknown) => void): LeaderEpochCache {
    const file = path.join(dir, LEADER_EPOCH_CHECKPOINT);
    let epochs: EpochEntry[] | undefined;
    try {
      epochs = readCheckpoint(file)?.map(parseEntry);
    } catch (error) {
      if (!(error instanceof CorruptCheckpointError)) throw error;
    }
    return new LeaderEpochCache(file, epochs ?? [], epochs !== undefined, onWriteError);
  }

  entries(): readonly EpochEntry[] {
    return this.epochs;
  }

  latestEntry(): EpochEntry | undefined {
    return this.epochs.at(-1);
  }

  latestEpoch(): number | undefined {
    return this.epochs.at(-1)?.epoch;
  }

  earliestEntry(): EpochEntry | undefined {
    return this.epochs[0];
  }

  /**
   * Records that `epoch` starts at `startOffset`. Entries that would no longer be monotonic (a
   * higher or equal epoch, or a start at or after this one) are dropped first. Returns whether
   * anything changed.
   */
  assign(epoch: number, startOffset: bigint): boolean {
    if (epoch < 0 || startOffset < 0n) throw new RangeError(`cannot assign epoch ${epoch} at offset ${startOffset}`);
    const latest = this.latestEntry();
    if (latest !== undefined && latest.epoch === epoch && startOffset >= latest.startOffset) return false;
    this.epochs = this.epochs.filter((e) => e.epoch < epoch && e.startOffset < startOffset);
    this.epochs.push({ epoch, startOffset });
    this.persistInBackground();
    return true;
  }

  /**
   * OffsetsForLeaderEpoch: the end offset of `requestedEpoch` (the start of the next higher epoch),
   * together with the largest epoch <= the requested one. The latest epoch ends at the log end.
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: bigint): EpochEndOffset {
    const undefinedResult = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    if (requestedEpoch === UNDEFINED_EPOCH) return undefinedResult;
    if (this.latestEpoch() === requestedEpoch) return { epoch: requestedEpoch, endOffset: logEndOffset };
    const higher = this.epochs.find((e) => e.epoch > requestedEpoch);
    if (higher === undefined) return undefinedResult;
    const floor = this.epochs.findLast((e) => e.epoch <= requestedEpoch);
    // Below every known epoch: the data is gone, so answer with the first start we know.
    if (floor === undefined) return { epoch: requestedEpoch, endOffset: higher.startOffset };
    return { epoch: floor.epoch, endOffset: higher.startOffset };
  }

  /** The epoch of the batch holding `offset`, as far as the cache knows. */
  epochForOffset(offset: bigint): number | undefined {
    return this.epochs.findLast((e) => e.startOffset <= offset)?.epoch;
  }

  /** After the log was truncated to `endOffset`: forget epochs that start at or after it. */
  truncateFromEnd(endOffset: bigint): void {
    const latest = this.latestEntry();
    if (endOffset < 0n || latest === undefined || latest.startOffset < endOffset) return;
    this.epochs = this.epochs.filter((e) => e.startOffset < endOffset);
    this.persistInBackground();
  }

  /**
   * After the log start moved to `startOffset`: drop epochs that end before it, and move the start
   * of the epoch covering it up to it.
   */
  truncateFromStart(startOffset: bigint): void {
    const removed = this.epochs.filter((e) => e.startOffset <= startOffset);
    const last = removed.at(-1);
    if (last === undefined || (removed.length === 1 && last.startOffset === startOffset)) return;
    this.epochs = [{ epoch: last.epoch, startOffset }, ...this.epochs.filter((e) => e.startOffset > startOffset)];
    this.persistInBackground();
  }

  clear(): void {
    if (this.epochs.length === 0) return;
    this.epochs = [];
    this.persistInBackground();
  }

  /** Resolves once the current entries are durable in the checkpoint file. */
  persist(): Promise<void> {
    return this.writer.write();
  }

  /** Resolves when no checkpoint write is in flight. */
  idle(): Promise<void> {
    return this.writer.idle();
  }

  private persistInBackground(): void {
    this.persist().catch(this.onWriteError);
  }
}

function parseEntry(fields: string[]): EpochEntry {
  const [epoch, startOffset] = fields;
  if (fields.length !== 2 || !/^\d+$/.test(epoch ?? '') || !/^\d+$/.test(startOffset ?? '')) {
    throw new CorruptCheckpointError(`bad leader epoch entry "${fields.join(' ')}"`);
  }
  return { epoch: Number(epoch), startOffset: BigInt(startOffset!) };
}
