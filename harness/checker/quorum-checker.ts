// Judges the metadata quorum from the history: Raft's election safety (at most one leader per
// epoch) from what every node's quorum-state file said during the run and from every version of
// every batch seen in the nodes' metadata logs, and the durability of committed metadata from
// topic creations the controller acknowledged and the topics every node lists at the end.
import type { Operation } from '../history/operation.js';

/** Who claimed to lead one epoch, as one node's disk said at one moment. */
export interface EpochClaim {
  node: number;
  leader: number;
  time: number;
}

/** Where and when one version of a batch was seen. */
export interface BatchSighting {
  node: number;
  time: number;
  crc: number;
}

/** An epoch with two leaders: their claims, or offsets where two different batches were written in it. */
export interface SplitEpoch {
  epoch: number;
  /** The first sighting of each leader named for the epoch (more than one: two leaders). */
  claims: EpochClaim[];
  /**
   * Base offsets at which two different batches of the epoch were seen, on one node or two, at any
   * time of the run (only one leader writes an epoch, and it never writes one offset twice): the
   * first sighting of each version.
   */
  divergentBatches: { offset: number; versions: BatchSighting[] }[];
}

export interface LostTopic {
  topic: string;
  /** When its creation was acknowledged (ms into the run). */
  createdAt: number;
  /** Nodes whose metadata at the end does not list it. */
  missingOn: number[];
}

export interface QuorumResult {
  /** Topic creations the controller acknowledged. */
  topicsCreated: number;
  /** Topic creations whose outcome is unknown (an error or no answer). */
  topicsUnknown: number;
  /** Acknowledged creations that some node's metadata does not list at the end: a committed record gone. */
  lostTopics: LostTopic[];
  splitEpochs: SplitEpoch[];
  /** Distinct epochs seen in the nodes' quorum-state files: how many elections the run went through. */
  epochsSeen: number;
  /** The nodes read at the end, and the batches in each one's metadata log. */
  nodesRead: Record<number, { topics: number; batches: number }>;
  /** Nodes that could not be read at the end, and why (a node that halted rather than truncate committed records, say). */
  nodesUnread: Record<number, string>;
}

export class QuorumChecker {
  private readonly created = new Map<string, number>();
  private unknown = 0;
  /** epoch -> leader -> first claim. */
  private readonly claims = new Map<number, Map<number, EpochClaim>>();
  private readonly epochs = new Set<number>();
  /** node -> its read at the end. */
  private readonly finalReads = new Map<number, { topics: Set<string>; batches: number }>();
  private readonly unread = new Map<number, string>();
  /** "epoch/offset" -> crc -> first sighting: every version of every metadata batch seen on any node. */
  private readonly batches = new Map<string, Map<number, BatchSighting>>();

  add(op: Operation): void {
    if (op.f === 'create-topic') {
      if (op.type === 'ok') this.created.set(op.topic, op.time);
      else if (op.type === 'info') this.unknown++;
    } else if (op.f === 'quorum') {
      this.epochs.add(op.epoch);
      if (op.leader < 0) return;
      let byLeader = this.claims.get(op.epoch);
      if (!byLeader) this.claims.set(op.epoch, (byLeader = new Map()));
      if (!byLeader.has(op.leader)) byLeader.set(op.leader, { node: op.node, leader: op.leader, time: op.time });
    } else if (op.f === 'metadata-log') {
      this.addBatches(op.node, op.time, op.batches);
    } else if (op.f === 'metadata-read' && op.type === 'ok') {
      this.finalReads.set(op.node, { topics: new Set(op.topics ?? []), batches: op.batches?.length ?? 0 });
      this.addBatches(op.node, op.time, op.batches ?? []);
    } else if (op.f === 'metadata-read') {
      this.unread.set(op.node, op.error ?? 'no reason recorded');
      this.addBatches(op.node, op.time, op.batches ?? []);
    }
  }

  private addBatches(node: number, time: number, batches: readonly [number, number, number][]): void {
    for (const [offset, epoch, crc] of batches) {
      const key = `${epoch}/${offset}`;
      let versions = this.batches.get(key);
      if (!versions) this.batches.set(key, (versions = new Map()));
      if (!versions.has(crc)) versions.set(crc, { node, time, crc });
    }
  }

  result(): QuorumResult {
    const lostTopics: LostTopic[] = [];
    for (const [topic, createdAt] of this.created) {
      const missingOn = [...this.finalReads].filter(([, read]) => !read.topics.has(topic)).map(([node]) => node);
      if (missingOn.length > 0) lostTopics.push({ topic, createdAt, missingOn });
    }
    const split = new Map<number, SplitEpoch>();
    const entry = (epoch: number) => {
      let e = split.get(epoch);
      if (!e) split.set(epoch, (e = { epoch, claims: [...(this.claims.get(epoch)?.values() ?? [])], divergentBatches: [] }));
      return e;
    };
    for (const [epoch, byLeader] of this.claims) if (byLeader.size > 1) entry(epoch);
    for (const [key, versions] of this.batches) {
      if (versions.size < 2) continue;
      const [epoch, offset] = key.split('/').map(Number) as [number, number];
      entry(epoch).divergentBatches.push({ offset, versions: [...versions.values()] });
    }
    for (const e of split.values()) e.divergentBatches.sort((a, b) => a.offset - b.offset);
    return {
      topicsCreated: this.created.size,
      topicsUnknown: this.unknown,
      lostTopics: lostTopics.sort((a, b) => a.createdAt - b.createdAt),
      splitEpochs: [...split.values()].sort((a, b) => a.epoch - b.epoch),
      epochsSeen: this.epochs.size,
      nodesRead: Object.fromEntries([...this.finalReads].map(([node, read]) => [node, { topics: read.topics.size, batches: read.batches }])),
      nodesUnread: Object.fromEntries(this.unread),
    };
  }
}
