// Committed offsets, as Kafka's OffsetMetadataManager keeps them beside the group metadata manager:
// what each group committed (rebuilt from __consumer_offsets and kept current as commits are
// written), the offsets of open transactions (pending until the transaction coordinator's marker
// reaches the partition: a commit marker makes them committed, an abort drops them), OffsetFetch's
// answers, and the tombstones for deleted topics and groups. It knows nothing of members and
// generations: the group coordinator validates a commit against its group before handing it here.
import { ErrorCode } from '@kafka-chaos/protocol';
import { asCoordinatorError } from '../coordinator/coordinator-log.js';
import type { CoordinatorLog, CoordinatorRecord } from '../coordinator/coordinator-log.js';
import { CommittedOffsets } from './committed-offsets.js';
import type { CommittedOffset } from './committed-offsets.js';
import { decodeOffsetCommitValue, offsetCommitKey, offsetCommitValue } from './coordinator-records.js';

export type CommitTopics = readonly {
  name: string;
  partitions: readonly { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string | null }[];
}[];

export interface PartitionResult {
  partitionIndex: number;
  errorCode: number;
}

export interface FetchedOffsets {
  errorCode: number;
  topics: {
    name: string;
    partitions: { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; metadata: string; errorCode: number }[];
  }[];
}

/** The transaction a commit belongs to (TxnOffsetCommit). */
export interface CommitTransaction {
  producerId: bigint;
  producerEpoch: number;
}

interface PendingOffset {
  topic: string;
  partition: number;
  committed: CommittedOffset;
}

export interface OffsetManagerSettings {
  offsetMetadataMaxBytes: number;
  /** The __consumer_offsets partition that holds a group. */
  partitionFor(groupId: string): number;
}

export class OffsetManager {
  private readonly offsets = new CommittedOffsets();
  /** Offsets of open transactions, by producer id then group, each partition's latest. */
  private readonly pending = new Map<bigint, Map<string, Map<string, PendingOffset>>>();

  constructor(
    private readonly settings: OffsetManagerSettings,
    private readonly log: CoordinatorLog,
  ) {}

  // ---- Loading ----

  /** An offset commit record read back from the log; a transactional one stays pending until its marker. */
  replay(groupId: string, topic: string, partition: number, value: Buffer | null, transactionalProducerId: bigint | undefined): void {
    if (transactionalProducerId !== undefined) {
      if (value !== null) this.addPending(transactionalProducerId, groupId, topic, partition, committedOf(value));
    } else if (value === null) this.offsets.delete(groupId, topic, partition);
    else this.offsets.set(groupId, topic, partition, committedOf(value));
  }

  /**
   * A transaction marker reached __consumer_offsets partition `index` (written there, or replayed
   * from it): the producer's pending offsets for the groups of that partition become committed, or
   * are dropped. Returns the groups that got committed offsets.
   */
  completeTransaction(index: number, producerId: bigint, commit: boolean): string[] {
    const groups = this.pending.get(producerId);
    if (groups === undefined) return [];
    const committedGroups: string[] = [];
    for (const [groupId, offsets] of groups) {
      if (this.settings.partitionFor(groupId) !== index) continue;
      groups.delete(groupId);
      if (!commit) continue;
      for (const { topic, partition, committed } of offsets.values()) this.offsets.set(groupId, topic, partition, committed);
      committedGroups.push(groupId);
    }
    if (groups.size === 0) this.pending.delete(producerId);
    return committedGroups;
  }

  /** This node stopped leading partition `index`: its groups' offsets, committed and pending, are forgotten here. */
  unload(index: number): void {
    for (const groupId of [...this.offsets.groupIds()]) if (this.settings.partitionFor(groupId) === index) this.offsets.deleteGroup(groupId);
    for (const [producerId, groups] of this.pending) {
      for (const groupId of [...groups.keys()]) if (this.settings.partitionFor(groupId) === index) groups.delete(groupId);
      if (groups.size === 0) this.pending.delete(producerId);
    }
  }

  /** Groups with committed offsets (a group that only commits offsets exists through them). */
  groupIds(): string[] {
    return [...this.offsets.groupIds()];
  }

  // ---- OffsetCommit, TxnOffsetCommit ----

  /**
   * Writes a commit the group coordinator has accepted, with an error per partition (metadata too
   * large, or the write failed). A transactional commit is written as part of its transaction and
   * stays pending; another is committed once written. Resolves with whether anything was stored.
   */
  async commit(groupId: string, topics: CommitTopics, transaction?: CommitTransaction): Promise<{ results: Map<string, PartitionResult[]>; stored: boolean }> {
    const results = new Map<string, PartitionResult[]>();
    const now = BigInt(Date.now());
    const records: CoordinatorRecord[] = [];
    const accepted: PendingOffset[] = [];
    for (const topic of topics) {
      const partitions: PartitionResult[] = [];
      results.set(topic.name, partitions);
      for (const p of topic.partitions) {
        if (p.committedMetadata !== null && p.committedMetadata.length > this.settings.offsetMetadataMaxBytes) {
          partitions.push({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE });
          continue;
        }
        const committed: CommittedOffset = {
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch,
          metadata: p.committedMetadata ?? '',
          commitTimestamp: now,
        };
        records.push({ key: offsetCommitKey(groupId, topic.name, p.partitionIndex), value: offsetCommitValue(committed) });
        accepted.push({ topic: topic.name, partition: p.partitionIndex, committed });
        partitions.push({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE });
      }
    }
    try {
      await this.log.append(this.settings.partitionFor(groupId), records, transaction);
    } catch (error) {
      const errorCode = asCoordinatorError(error).code;
      for (const partitions of results.values()) for (const p of partitions) if (p.errorCode === ErrorCode.NONE) p.errorCode = errorCode;
      return { results, stored: false };
    }
    for (const { topic, partition, committed } of accepted) {
      if (transaction !== undefined) this.addPending(transaction.producerId, groupId, topic, partition, committed);
      else this.offsets.set(groupId, topic, partition, committed);
    }
    return { results, stored: accepted.length > 0 };
  }

  // ---- OffsetFetch ----

  /**
   * The committed offsets of some partitions, or of every partition with one (topics null), for a
   * group the coordinator serves; `known` false (no such group) answers no offsets. With
   * requireStable (v7+, KIP-447), a partition an open transaction has committed an offset for
   * answers UNSTABLE_OFFSET_COMMIT, which the consumer retries until the transaction ends.
   */
  fetch(
    groupId: string,
    topics: readonly { name: string; partitionIndexes: readonly number[] }[] | null,
    known: boolean,
    requireStable: boolean,
  ): FetchedOffsets {
    const fetched: FetchedOffsets =
      topics === null
        ? {
            errorCode: ErrorCode.NONE,
            topics: known
              ? [...this.offsets.ofGroup(groupId)].map(([name, partitions]) => ({
                  name,
                  partitions: [...partitions].map(([partitionIndex, c]) => offsetEntry(partitionIndex, c)),
                }))
              : [],
          }
        : {
            errorCode: ErrorCode.NONE,
            topics: topics.map(({ name, partitionIndexes }) => ({
              name,
              partitions: partitionIndexes.map((partitionIndex) =>
                offsetEntry(partitionIndex, known ? this.offsets.get(groupId, name, partitionIndex) : undefined),
              ),
            })),
          };
    if (!requireStable || this.pending.size === 0) return fetched;
    for (const topic of fetched.topics) {
      for (const p of topic.partitions) {
        if (!this.hasPending(groupId, topic.name, p.partitionIndex)) continue;
        Object.assign(p, { committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT });
      }
    }
    return fetched;
  }

  /** Whether a transaction still holds an offset of this group's partition (KIP-447). */
  hasPending(groupId: string, topic: string, partition: number): boolean {
    for (const groups of this.pending.values()) if (groups.get(groupId)?.has(`${topic}\0${partition}`)) return true;
    return false;
  }

  // ---- Deletion ----

  /**
   * Topics deleted from the cluster take their committed offsets with them, in the groups served
   * here; resolves with the failures of writing the tombstones (each partition is tried).
   */
  async deleteTopics(topics: ReadonlySet<string>, served: (groupId: string) => boolean): Promise<unknown[]> {
    const byPartition = new Map<number, CoordinatorRecord[]>();
    for (const groupId of this.groupIds()) {
      if (!served(groupId)) continue;
      for (const [topic, partitions] of this.offsets.ofGroup(groupId)) {
        if (!topics.has(topic)) continue;
        const partitionOfGroup = this.settings.partitionFor(groupId);
        const records = byPartition.get(partitionOfGroup) ?? [];
        for (const partition of partitions.keys()) records.push({ key: offsetCommitKey(groupId, topic, partition), value: null });
        byPartition.set(partitionOfGroup, records);
        for (const partition of [...partitions.keys()]) this.offsets.delete(groupId, topic, partition);
      }
    }
    const failures: unknown[] = [];
    for (const [partition, records] of byPartition) await this.log.append(partition, records).catch((error: unknown) => failures.push(error));
    return failures;
  }

  /** The tombstones that delete a group's committed offsets (DeleteGroups writes them with the group's own). */
  tombstones(groupId: string): CoordinatorRecord[] {
    const records: CoordinatorRecord[] = [];
    for (const [topic, partitions] of this.offsets.ofGroup(groupId)) {
      for (const partition of partitions.keys()) records.push({ key: offsetCommitKey(groupId, topic, partition), value: null });
    }
    return records;
  }

  /** The group's committed offsets, by topic and partition. */
  offsetsOf(groupId: string): ReadonlyMap<string, ReadonlyMap<number, CommittedOffset>> {
    return this.offsets.ofGroup(groupId);
  }

  /** OffsetDelete: tombstones for these offsets of the group, written, then the offsets forgotten. */
  async deleteOffsets(groupId: string, offsets: readonly { topic: string; partition: number }[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.log.append(
      this.settings.partitionFor(groupId),
      offsets.map(({ topic, partition }) => ({ key: offsetCommitKey(groupId, topic, partition), value: null })),
    );
    for (const { topic, partition } of offsets) this.offsets.delete(groupId, topic, partition);
  }

  /** The group is gone (deleted, or its tombstone replayed): so are its committed offsets. */
  deleteGroup(groupId: string): void {
    this.offsets.deleteGroup(groupId);
  }

  private addPending(producerId: bigint, groupId: string, topic: string, partition: number, committed: CommittedOffset): void {
    let groups = this.pending.get(producerId);
    if (groups === undefined) this.pending.set(producerId, (groups = new Map()));
    let offsets = groups.get(groupId);
    if (offsets === undefined) groups.set(groupId, (offsets = new Map()));
    offsets.set(`${topic}\0${partition}`, { topic, partition, committed });
  }
}

function committedOf(value: Buffer): CommittedOffset {
  const stored = decodeOffsetCommitValue(value);
  return { offset: stored.offset, leaderEpoch: stored.leaderEpoch, metadata: stored.metadata, commitTimestamp: stored.commitTimestamp };
}

function offsetEntry(partitionIndex: number, committed: CommittedOffset | undefined) {
  return {
    partitionIndex,
    committedOffset: committed?.offset ?? -1n,
    committedLeaderEpoch: committed?.leaderEpoch ?? -1,
    metadata: committed?.metadata ?? '',
    errorCode: ErrorCode.NONE,
  };
}
