// Applies committed metadata records to this node's image, in log order, and publishes each batch
// of changes to the replica manager (KRaft's MetadataLoader and publishers). Every node does this,
// the active controller included: the image only ever holds what the quorum committed.
import type { Logger } from '../logging/logger.js';
import { MetadataDelta } from './metadata-image.js';
import type { MetadataImage } from './metadata-image.js';
import type { MetadataLog } from './metadata-log.js';

export type DeltaPublisher = (delta: MetadataDelta) => Promise<void>;

export class MetadataLoader {
  /** The offset of the next record to apply. */
  private nextOffset = 0n;
  private committed = 0n;
  private running = false;
  private readonly waiters: { offset: bigint; resolve: () => void }[] = [];
  private readonly appliedListeners: (() => void)[] = [];
  private readonly publishers: DeltaPublisher[] = [];

  constructor(
    private readonly image: MetadataImage,
    private readonly log: MetadataLog,
    private readonly logger: Logger,
  ) {}

  /** Each batch of applied changes goes to the publishers, in the order they were added, before the next is applied. */
  addPublisher(publisher: DeltaPublisher): void {
    this.publishers.push(publisher);
  }

  /** Everything below this offset is in the image and published. */
  get appliedOffset(): bigint {
    return this.nextOffset;
  }

  onApplied(listener: () => void): void {
    this.appliedListeners.push(listener);
  }

  /** The quorum's high watermark moved. */
  onCommit(highWatermark: bigint): void {
    if (highWatermark > this.committed) this.committed = highWatermark;
    void this.drain();
  }

  /** Resolves once the records below `offset` are applied and published. */
  whenApplied(offset: bigint): Promise<void> {
    if (this.nextOffset >= offset) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ offset, resolve }));
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.nextOffset < this.committed) {
        const to = this.committed;
        const delta = new MetadataDelta();
        let count = 0;
        for (const { record, offset } of this.log.records(this.nextOffset, to)) {
          this.image.apply(record, offset, delta);
          count++;
        }
        this.nextOffset = to;
        if (!delta.isEmpty) for (const publish of this.publishers) await publish(delta);
        if (count > 0) this.logger.debug({ appliedUpTo: to, records: count }, 'applied committed metadata');
        for (let i = this.waiters.length - 1; i >= 0; i--) {
          if (this.waiters[i]!.offset <= this.nextOffset) this.waiters.splice(i, 1)[0]!.resolve();
        }
        for (const listener of this.appliedListeners) listener();
      }
    } catch (error) {
      this.logger.fatal({ err: error }, 'applying committed metadata failed');
      throw error;
    } finally {
      this.running = false;
    }
  }
}
