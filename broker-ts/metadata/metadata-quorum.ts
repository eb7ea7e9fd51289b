// This node's seat in the metadata quorum as the controller and the broker see it: whether it is
// the active controller, who is, and commits that resolve once applied here.
import type { MetadataLoader } from './metadata-loader.js';
import type { MetadataLog } from './metadata-log.js';
import type { MetadataRecord } from './metadata-records.js';
import type { ControllerQuorum } from './controller.js';
import type { RaftDriver } from '../raft/raft-driver.js';
import { ApiError } from '../errors/api-error.js';

export class MetadataQuorum implements ControllerQuorum {
  private readonly stateWaiters = new Set<() => void>();

  constructor(
    private readonly raft: RaftDriver,
    private readonly loader: MetadataLoader,
    private readonly log: MetadataLog,
  ) {}

  /** Leader, and everything committed before its epoch (its leader-change record included) is applied. */
  get isActive(): boolean {
    const node = this.raft.node;
    return node.isLeader && node.leaderReady && this.loader.appliedOffset > node.leaderEpochStartOffset;
  }

  /** The active controller as this node knows it (-1 when none). */
  get leaderId(): number {
    return this.raft.node.leaderId;
  }

  get epoch(): number {
    return this.raft.node.epoch;
  }

  get nextOffset(): bigint {
    return this.log.endOffset();
  }

  /** Quorum or image changed: wakes whoever waits for a leader or for activation. */
  notify(): void {
    for (const waiter of [...this.stateWaiters]) waiter();
  }

  /** Resolves when `condition` holds (checked on every change), or with false after `timeoutMs`. */
  waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.stateWaiters.delete(check);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.stateWaiters.delete(check);
        resolve(false);
      }, timeoutMs);
      this.stateWaiters.add(check);
    });
  }

  async commit(records: readonly MetadataRecord[]): Promise<void> {
    if (!this.isActive) throw ApiError.of('NOT_CONTROLLER', 'This node is not the active controller.');
    const epoch = this.raft.node.epoch;
    let end: bigint;
    try {
      end = this.raft.propose(records);
    } catch {
      throw ApiError.of('NOT_CONTROLLER', 'This node is not the active controller.');
    }
    const stillLeading = () => this.raft.node.isLeader && this.raft.node.epoch === epoch;
    const applied = this.loader.whenApplied(end);
    const lost = new Promise<'lost'>((resolve) => {
      const check = () => {
        if (stillLeading()) return;
        this.stateWaiters.delete(check);
        resolve('lost');
      };
      this.stateWaiters.add(check);
      void applied.then(() => this.stateWaiters.delete(check));
    });
    const outcome = await Promise.race([applied.then(() => 'applied' as const), lost]);
    if (outcome === 'lost') throw ApiError.of('NOT_CONTROLLER', 'Leadership of the metadata quorum moved before the change was committed.');
  }
}
