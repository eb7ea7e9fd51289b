// Several RaftNodes in one process over a simulated network and clock: seeded message drops,
// delays and reordering, network partitions, crashes (losing what was not flushed) and restarts.
// It checks Raft's safety properties as it goes and throws at the first violation:
// - one leader per epoch;
// - a committed entry is never lost or changed (every later leader has it, no node commits
//   something else at its offset);
// - a node's high watermark never moves back (within one run of the node).
import { RaftNode } from '../raft-node.js';
import type { RaftConfig } from '../raft-node.js';
import type { QuorumStateSnapshot } from '../raft-log.js';
import type { RaftRequest, RaftResponse } from '../raft-messages.js';
import { SeededRandom } from '@kafka-chaos/protocol/seeded-random';
import { EventQueue } from './event-queue.js';
import { MemoryRaftLog } from './memory-raft-log.js';
import type { SimEntry } from './memory-raft-log.js';

export const SIM_RAFT_CONFIG: RaftConfig = {
  electionTimeoutMs: 300,
  fetchTimeoutMs: 600,
  electionBackoffMaxMs: 300,
  fetchMaxWaitMs: 200,
  retryBackoffMs: 50,
  fetchMaxBytes: 16 * 20,
};

const REQUEST_TIMEOUT_MS = 500;

export interface SimulationOptions {
  seed: number;
  voters: number;
  /** Probability that a message is lost. */
  dropRate: number;
  maxDelayMs: number;
}

interface SimNode {
  id: number;
  up: boolean;
  /** Bumped on every crash, so events meant for an earlier run are ignored. */
  incarnation: number;
  log: MemoryRaftLog;
  stored: QuorumStateSnapshot | undefined;
  raft: RaftNode<string, SimEntry[]>;
  wakeAt: number;
  lastHighWatermark: bigint;
}

export class SafetyViolation extends Error {
  override readonly name = 'SafetyViolation';
}

export class RaftSimulation {
  readonly random: SeededRandom;
  readonly queue = new EventQueue();
  readonly nodes = new Map<number, SimNode>();
  /** Committed entries by offset, as the first node to commit them saw them. */
  readonly committed: SimEntry[] = [];
  readonly leadersByEpoch = new Map<number, number>();
  /** Pairs (from:to) whose messages are cut. */
  private readonly cuts = new Set<string>();
  private nextValue = 0;

  constructor(private readonly options: SimulationOptions) {
    this.random = new SeededRandom(options.seed);
    for (let id = 1; id <= options.voters; id++) {
      const node: SimNode = {
        id,
        up: true,
        incarnation: 0,
        log: new MemoryRaftLog(),
        stored: undefined,
        raft: undefined as never,
        wakeAt: Infinity,
        lastHighWatermark: 0n,
      };
      this.nodes.set(id, node);
      node.raft = this.createRaft(node);
    }
    for (const node of this.nodes.values()) {
      node.raft.start(0);
      this.afterEvent(node);
    }
  }

  get now(): number {
    return this.queue.now;
  }

  run(untilMs: number): void {
    this.queue.runUntil(untilMs);
  }

  leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const node of this.nodes.values()) {
      if (node.up && node.raft.isLeader && (best === undefined || node.raft.epoch > best.raft.epoch)) best = node;
    }
    return best;
  }

  /** Asks the current leader (if any) to append a fresh value. */
  propose(): void {
    const leader = this.leader();
    if (leader === undefined) return;
    leader.raft.propose(this.now, [`v${this.nextValue++}`]);
    this.afterEvent(leader);
  }

  crash(id: number): void {
    const node = this.nodes.get(id)!;
    if (!node.up) return;
    node.up = false;
    node.incarnation++;
    node.log.crash();
    node.wakeAt = Infinity;
  }

  restart(id: number): void {
    const node = this.nodes.get(id)!;
    if (node.up) return;
    node.up = true;
    node.lastHighWatermark = 0n;
    node.raft = this.createRaft(node);
    node.raft.start(this.now);
    this.afterEvent(node);
  }

  /** Cuts every link between `group` and the other nodes, both ways. */
  partition(group: readonly number[]): void {
    for (const a of group) {
      for (const b of this.nodes.keys()) {
        if (group.includes(b)) continue;
        this.cuts.add(`${a}:${b}`);
        this.cuts.add(`${b}:${a}`);
      }
    }
  }

  /** Cuts one direction of one link. */
  cut(from: number, to: number): void {
    this.cuts.add(`${from}:${to}`);
  }

  heal(): void {
    this.cuts.clear();
  }

  /** Stops losing messages (after the faulty part of a schedule). */
  stopDropping(): void {
    this.options.dropRate = 0;
  }

  /** Every node's log agrees with the committed entries up to its high watermark. */
  checkLogs(): void {
    for (const node of this.nodes.values()) this.checkCommittedPrefix(node, node.raft.highWatermark);
  }

  private createRaft(node: SimNode): RaftNode<string, SimEntry[]> {
    const incarnation = node.incarnation;
    const voters = [...Array(this.options.voters).keys()].map((i) => i + 1);
    return new RaftNode<string, SimEntry[]>(
      {
        nodeId: node.id,
        voters,
        log: node.log,
        store: {
          read: () => node.stored,
          write: (state) => {
            node.stored = { ...state };
          },
        },
        random: () => this.random.next(),
        send: (to, request) => this.send(node, incarnation, to, request),
        leaderChangeRecords: (epoch, leaderId) => [`leader-${epoch}-${leaderId}`],
        onStateChange: (raft) => {
          if (raft.role === 'leader') this.onLeader(node, raft.epoch);
        },
        onCommit: (highWatermark) => this.onCommit(node, highWatermark),
      },
      SIM_RAFT_CONFIG,
    );
  }

  private onLeader(node: SimNode, epoch: number): void {
    const existing = this.leadersByEpoch.get(epoch);
    if (existing !== undefined && existing !== node.id) {
      throw new SafetyViolation(`two leaders in epoch ${epoch}: ${existing} and ${node.id}`);
    }
    this.leadersByEpoch.set(epoch, node.id);
    // Leader completeness: a new leader has every committed entry.
    if (node.log.endOffset() < BigInt(this.committed.length)) {
      throw new SafetyViolation(`node ${node.id} leads epoch ${epoch} with ${node.log.endOffset()} entries, but ${this.committed.length} are committed`);
    }
    this.checkCommittedPrefix(node, BigInt(this.committed.length));
  }

  private onCommit(node: SimNode, highWatermark: bigint): void {
    if (highWatermark < node.lastHighWatermark) {
      throw new SafetyViolation(`node ${node.id}'s high watermark moved back from ${node.lastHighWatermark} to ${highWatermark}`);
    }
    node.lastHighWatermark = highWatermark;
    this.checkCommittedPrefix(node, highWatermark);
    for (let offset = this.committed.length; offset < Number(highWatermark); offset++) this.committed.push({ ...node.log.entries[offset]! });
  }

  private checkCommittedPrefix(node: SimNode, upTo: bigint): void {
    const end = Math.min(Number(upTo), this.committed.length);
    for (let offset = 0; offset < end; offset++) {
      const mine = node.log.entries[offset];
      const committed = this.committed[offset]!;
      if (mine === undefined || mine.epoch !== committed.epoch || mine.value !== committed.value) {
        throw new SafetyViolation(
          `node ${node.id} has ${mine === undefined ? 'nothing' : `${mine.value}@${mine.epoch}`} at committed offset ${offset} (committed: ${committed.value}@${committed.epoch})`,
        );
      }
    }
  }

  private reachable(from: number, to: number): boolean {
    return !this.cuts.has(`${from}:${to}`);
  }

  private delay(): number {
    return this.random.between(0, this.options.maxDelayMs);
  }

  private send(sender: SimNode, incarnation: number, to: number, request: RaftRequest<SimEntry[]>): void {
    let settled = false;
    const settle = (): boolean => {
      if (settled || sender.incarnation !== incarnation || !sender.up) return false;
      settled = true;
      return true;
    };
    const fail = () => {
      if (!settle()) return;
      sender.raft.handleFailure(this.now, to, request);
      this.afterEvent(sender);
    };
    this.queue.schedule(this.now + REQUEST_TIMEOUT_MS, fail);
    const target = this.nodes.get(to)!;
    if (!target.up || !this.reachable(sender.id, to)) {
      // Connection refused or no route: the sender hears of it soon.
      this.queue.schedule(this.now + this.delay(), fail);
      return;
    }
    if (this.random.chance(this.options.dropRate)) return;
    const targetIncarnation = target.incarnation;
    this.queue.schedule(this.now + this.delay(), () => {
      if (!target.up || target.incarnation !== targetIncarnation) return fail();
      target.raft.handleRequest(this.now, sender.id, request, (response: RaftResponse<SimEntry[]>) => {
        if (!target.up || target.incarnation !== targetIncarnation) return;
        if (!this.reachable(to, sender.id) || this.random.chance(this.options.dropRate)) return;
        this.queue.schedule(this.now + this.delay(), () => {
          if (!settle()) return;
          sender.raft.handleResponse(this.now, to, request, response);
          this.afterEvent(sender);
        });
      });
      this.afterEvent(target);
    });
  }

  /** Flushes what a node asked to flush (after a short while) and re-arms its wake-up timer. */
  private afterEvent(node: SimNode): void {
    if (!node.up) return;
    const incarnation = node.incarnation;
    if (node.log.flushRequested) {
      node.log.flushRequested = false;
      const target = node.log.endOffset();
      this.queue.schedule(this.now + this.random.between(0, 3), () => {
        if (!node.up || node.incarnation !== incarnation) return;
        const durable = target < node.log.endOffset() ? target : node.log.endOffset();
        if (durable > node.log.durableEnd) node.log.durableEnd = durable;
        node.raft.onFlushed(this.now, node.log.durableEnd);
        this.afterEvent(node);
      });
    }
    const next = node.raft.nextDeadline();
    if (next < node.wakeAt) {
      node.wakeAt = next;
      this.queue.schedule(next, () => {
        if (!node.up || node.incarnation !== incarnation || node.wakeAt !== next) return;
        node.wakeAt = Infinity;
        node.raft.poll(this.now);
        this.afterEvent(node);
      });
    }
  }
}
