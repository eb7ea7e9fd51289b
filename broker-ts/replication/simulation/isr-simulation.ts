// One partition replicated over simulated brokers, driven by the real replication rules: the
// leader's follower tracking and high watermark (FollowerTracking), log divergence and truncation
// (log-divergence.ts), the controller's elections and ISR changes (partition-election.ts, with
// AlterPartition's leader-epoch and partition-epoch checks). The metadata quorum itself is taken
// as working (the Raft simulation covers it); what each broker knows of the partition may lag
// behind it, so a cut-off leader goes on as a zombie. Messages are dropped and delayed at random,
// brokers crash and restart, links are cut. With eligible leader replicas (KIP-966) the ISR may
// empty, the controller elects from the ELR, and a leader holds its high watermark while its ISR
// is below min.insync.replicas; producers then also write with acks=1. Checked throughout:
// - a leader's high watermark never moves back within its epoch;
// - an acks=all write is acknowledged only when every ISR member has it;
// - no offset is ever below two high watermarks with two different writes (what consumers read);
// - once everything is healed, every acknowledged write, and every write that was below a leader's
//   high watermark (readable), is in the final leader's log at its offset.
import { FollowerTracking } from '../follower-tracking.js';
import { divergingEpoch, truncationOffset } from '../log-divergence.js';
import { changeForDeparture, changeForElection, changeForIsr, changeForUncleanShutdown } from '../../metadata/partition-election.js';
import type { ElectionRules, PartitionChange } from '../../metadata/partition-election.js';
import type { PartitionRegistration } from '../../metadata/metadata-image.js';
import type { EpochEndOffset } from '../../storage/index.js';
import { SeededRandom } from '@kafka-chaos/protocol/seeded-random';
import { EventQueue } from '../../raft/simulation/event-queue.js';

export class ReplicationViolation extends Error {
  override readonly name = 'ReplicationViolation';
}

interface Entry {
  epoch: number;
  id: number;
}

class SimLog {
  entries: Entry[] = [];

  get end(): bigint {
    return BigInt(this.entries.length);
  }

  get latestEpoch(): number {
    return this.entries.at(-1)?.epoch ?? -1;
  }

  /** As the leader epoch cache answers: the largest epoch <= `epoch` and where it ends. */
  endOffsetForEpoch(epoch: number): EpochEndOffset {
    let found: EpochEndOffset = { epoch: -1, endOffset: -1n };
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i]!;
      if (e.epoch > epoch) return found.epoch < 0 ? found : { epoch: found.epoch, endOffset: BigInt(i) };
      found = { epoch: e.epoch, endOffset: BigInt(i + 1) };
    }
    return found;
  }
}

interface Broker {
  id: number;
  up: boolean;
  incarnation: number;
  log: SimLog;
  /** What this broker believes about the partition (may be stale). */
  view: PartitionRegistration;
  highWatermark: bigint;
  tracking: FollowerTracking | undefined;
  epochStartOffset: bigint;
  pendingIsr: number[] | undefined;
  fetching: boolean;
}

interface PendingAck {
  id: number;
  offset: bigint;
  epoch: number;
  leader: number;
}

const LAG_MS = 300;
const SESSION_MS = 400;

export interface SimulationOptions {
  /** broker.ts.bug.elect.any.replica */
  electAnyReplica?: boolean;
  /** eligible.leader.replicas.version 1: the ELR, and acks=1 writes besides the acks=all ones. */
  elr?: boolean;
  /** broker.ts.bug.hw.ignores.min.isr */
  hwIgnoresMinIsr?: boolean;
}

export class IsrSimulation {
  readonly random: SeededRandom;
  readonly queue = new EventQueue();
  readonly brokers = new Map<number, Broker>();
  /** The controller's (committed) state of the partition. */
  registration: PartitionRegistration;
  readonly acked = new Map<number, { offset: bigint; epoch: number }>();
  private readonly pending: PendingAck[] = [];
  private readonly lastHeartbeat = new Map<number, number>();
  private readonly fenced = new Set<number>();
  private readonly cuts = new Set<number>();
  private readonly replicationCuts = new Set<number>();
  private nextId = 0;
  /** What was below some leader's high watermark (readable by consumers): offset -> write. */
  readonly readable = new Map<number, number>();
  /** Leaders elected from the ELR (the ISR empty): what the ELR schedules must have exercised. */
  elrElections = 0;
  /** Brokers back from a crash, until the controller has taken them out of the ELR at their registration. */
  private readonly crashed = new Set<number>();

  constructor(
    seed: number,
    private readonly replicaCount: number,
    readonly minInsyncReplicas: number,
    private readonly dropRate: number,
    private readonly options: SimulationOptions = {},
  ) {
    this.random = new SeededRandom(seed);
    const replicas = [...Array(replicaCount).keys()].map((i) => i + 1);
    this.registration = {
      topicId: 't',
      topicName: 't',
      partition: 0,
      replicas,
      isr: [...replicas],
      addingReplicas: [],
      removingReplicas: [],
      leader: 1,
      leaderEpoch: 0,
      partitionEpoch: 0,
      elr: [],
      lastKnownElr: [],
    };
    for (const id of replicas) {
      this.brokers.set(id, {
        id,
        up: true,
        incarnation: 0,
        log: new SimLog(),
        view: this.registration,
        highWatermark: 0n,
        tracking: undefined,
        epochStartOffset: 0n,
        pendingIsr: undefined,
        fetching: false,
      });
      this.lastHeartbeat.set(id, 0);
    }
    for (const broker of this.brokers.values()) this.learn(broker);
    this.every(50, () => this.controllerTick());
    this.every(100, () => this.isrExpiration());
    this.every(30, () => this.followersFetch());
  }

  get now(): number {
    return this.queue.now;
  }

  run(until: number): void {
    this.queue.runUntil(until);
  }

  /** min.insync.replicas as leaders apply it: never above the replica count. */
  private get effectiveMinIsr(): number {
    return Math.min(this.minInsyncReplicas, this.replicaCount);
  }

  /** A producer sends one write (acks=all, or acks=1 with `acks1`) to the broker it believes leads. */
  produce(acks1 = false): void {
    const leaders = [...this.brokers.values()].filter((b) => b.up && b.view.leader === b.id);
    if (leaders.length === 0) return;
    const broker = this.random.pick(leaders);
    if (!acks1 && broker.view.isr.length < this.effectiveMinIsr) return; // NOT_ENOUGH_REPLICAS
    const id = this.nextId++;
    broker.log.entries.push({ epoch: broker.view.leaderEpoch, id });
    if (!acks1) this.pending.push({ id, offset: broker.log.end - 1n, epoch: broker.view.leaderEpoch, leader: broker.id });
    this.advanceHighWatermark(broker);
  }

  crash(id: number): void {
    const broker = this.brokers.get(id)!;
    if (!broker.up) return;
    broker.up = false;
    broker.incarnation++;
    broker.tracking = undefined;
    broker.fetching = false;
  }

  restart(id: number): void {
    const broker = this.brokers.get(id)!;
    if (broker.up) return;
    broker.up = true;
    broker.highWatermark = 0n;
    broker.pendingIsr = undefined;
    broker.tracking = undefined;
    this.lastHeartbeat.set(id, this.now);
    // A restarted broker re-registers: its old incarnation leaves the ISR and leadership, and,
    // back from a crash, every ELR; then it catches up with the metadata before doing anything.
    this.crashed.add(id);
    this.fence(id);
    this.crashed.delete(id);
    broker.view = { ...this.registration, leader: this.registration.leader === id ? -1 : this.registration.leader };
    this.learn(broker);
  }

  /** Cuts a broker off from the others and from the controller (a zombie if it led). */
  isolate(id: number): void {
    this.cuts.add(id);
  }

  /** Cuts a broker's replication only: it stays registered and eligible, but fetches nothing and serves no fetch. */
  cutReplication(id: number): void {
    this.replicationCuts.add(id);
  }

  heal(): void {
    this.cuts.clear();
    this.replicationCuts.clear();
  }

  /** Every acknowledged write is in the log of the partition's leader at its offset. */
  checkNoAckedLoss(): void {
    const leader = this.finalLeader();
    for (const [id, { offset }] of this.acked) {
      const entry = leader.log.entries[Number(offset)];
      if (entry?.id !== id)
        throw new ReplicationViolation(`acknowledged write ${id} at offset ${offset} is gone from leader ${leader.id} (found ${entry?.id ?? 'nothing'})`);
    }
  }

  /** Every write that was readable (below a leader's high watermark), whatever its acks, is in the leader's log at its offset. */
  checkNoReadLoss(): void {
    const leader = this.finalLeader();
    for (const [offset, id] of this.readable) {
      const entry = leader.log.entries[offset];
      if (entry?.id !== id)
        throw new ReplicationViolation(`readable write ${id} at offset ${offset} is gone from leader ${leader.id} (found ${entry?.id ?? 'nothing'})`);
    }
  }

  private finalLeader(): Broker {
    const leader = this.brokers.get(this.registration.leader);
    if (leader === undefined)
      throw new ReplicationViolation(
        `no leader after healing (ISR ${this.registration.isr}, ELR ${this.registration.elr}, last known ${this.registration.lastKnownElr})`,
      );
    return leader;
  }

  // ---- controller ----

  private controllerTick(): void {
    for (const broker of this.brokers.values()) {
      if (broker.up && !this.cuts.has(broker.id)) this.lastHeartbeat.set(broker.id, this.now);
    }
    for (const [id, last] of this.lastHeartbeat) {
      if (!this.fenced.has(id) && this.now - last > SESSION_MS) this.fence(id);
      else if (this.fenced.has(id) && this.now - last <= SESSION_MS) this.unfence(id);
    }
  }

  private rules(): ElectionRules {
    return {
      eligible: (id) => !this.fenced.has(id),
      unclean: false,
      electAnyReplica: this.options.electAnyReplica ?? false,
      ...(this.options.elr ? { elr: { minIsr: this.effectiveMinIsr } } : {}),
      uncleanShutdown: [...this.crashed],
    };
  }

  private fence(id: number): void {
    this.fenced.add(id);
    const rules = this.rules();
    let state = this.registration;
    for (const change of [changeForUncleanShutdown(state, rules), changeForDeparture(state, id, rules)]) {
      if (change === undefined) continue;
      this.commit(change);
      state = this.registration;
    }
  }

  private unfence(id: number): void {
    this.fenced.delete(id);
    const change = changeForElection(this.registration, this.rules());
    if (change !== undefined) this.commit(change);
  }

  private commit(change: PartitionChange): void {
    const current = this.registration;
    if (change.leader !== current.leader && current.elr.includes(change.leader)) this.elrElections++;
    this.registration = {
      ...current,
      ...change,
      leaderEpoch: change.leader !== current.leader ? current.leaderEpoch + 1 : current.leaderEpoch,
      partitionEpoch: current.partitionEpoch + 1,
    };
    // Brokers learn the change after a while, unless they are cut off from the controller.
    for (const broker of this.brokers.values()) {
      const incarnation = broker.incarnation;
      this.queue.schedule(this.now + this.random.between(1, 40), () => {
        if (broker.up && broker.incarnation === incarnation && !this.cuts.has(broker.id)) this.learn(broker);
      });
    }
  }

  /** AlterPartition at the controller: refused unless the leader epoch and partition epoch match. */
  private alterPartition(from: Broker, leaderEpoch: number, partitionEpoch: number, isr: readonly number[]): void {
    const current = this.registration;
    if (current.leader !== from.id || current.leaderEpoch !== leaderEpoch || current.partitionEpoch !== partitionEpoch) return;
    if (isr.some((id) => this.fenced.has(id) && !current.isr.includes(id))) return;
    this.commit(changeForIsr(current, isr, this.rules()));
  }

  // ---- brokers ----

  private learn(broker: Broker): void {
    const next = this.registration;
    const previous = broker.view;
    if (next.leaderEpoch < previous.leaderEpoch || (next.leaderEpoch === previous.leaderEpoch && next.partitionEpoch < previous.partitionEpoch)) return;
    broker.view = next;
    if (next.partitionEpoch !== previous.partitionEpoch) broker.pendingIsr = undefined;
    if (next.leader === broker.id && (broker.tracking === undefined || previous.leaderEpoch !== next.leaderEpoch)) {
      broker.tracking = new FollowerTracking(broker.id, next.replicas, next.isr, this.now);
      broker.epochStartOffset = broker.log.end;
    } else if (next.leader !== broker.id) {
      broker.tracking = undefined;
    }
    this.advanceHighWatermark(broker);
  }

  private maximalIsr(broker: Broker): readonly number[] {
    return broker.pendingIsr === undefined ? broker.view.isr : [...new Set([...broker.view.isr, ...broker.pendingIsr])];
  }

  private advanceHighWatermark(broker: Broker): void {
    if (broker.tracking === undefined || !broker.up) return;
    // Held while the ISR is below the minimum (Kafka 3.7+), unless broker.ts.bug.hw.ignores.min.isr.
    if (broker.view.isr.length < this.effectiveMinIsr && !this.options.hwIgnoresMinIsr) return;
    const next = broker.tracking.highWatermark(broker.highWatermark, broker.log.end, this.maximalIsr(broker));
    if (next < broker.highWatermark) throw new ReplicationViolation(`leader ${broker.id}'s high watermark moved back from ${broker.highWatermark} to ${next}`);
    for (let offset = Number(broker.highWatermark); offset < Number(next); offset++) this.expose(offset, broker.log.entries[offset]!.id, broker.id);
    broker.highWatermark = next;
    this.acknowledge(broker);
  }

  /** A write a leader's high watermark passed: consumers may read it, so no other write may ever sit at its offset. */
  private expose(offset: number, id: number, leader: number): void {
    const earlier = this.readable.get(offset);
    if (earlier === undefined) this.readable.set(offset, id);
    else if (earlier !== id)
      throw new ReplicationViolation(`offset ${offset} was readable with write ${earlier}, and leader ${leader}'s high watermark passed write ${id} there`);
  }

  /** Completes the acks=all writes this leader's high watermark now covers, checking every ISR member has them. */
  private acknowledge(broker: Broker): void {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const write = this.pending[i]!;
      if (write.leader !== broker.id || write.epoch !== broker.view.leaderEpoch || broker.highWatermark <= write.offset) continue;
      this.pending.splice(i, 1);
      if (broker.view.isr.length < this.effectiveMinIsr) continue; // NOT_ENOUGH_REPLICAS_AFTER_APPEND
      for (const member of broker.view.isr) {
        const entry = this.brokers.get(member)!.log.entries[Number(write.offset)];
        if (entry?.id !== write.id)
          throw new ReplicationViolation(
            `write ${write.id} acknowledged by leader ${broker.id} at ${write.offset} while ISR member ${member} has ${entry?.id ?? 'nothing'} there`,
          );
      }
      this.acked.set(write.id, { offset: write.offset, epoch: write.epoch });
    }
  }

  private isrExpiration(): void {
    for (const broker of this.brokers.values()) {
      if (!broker.up || broker.tracking === undefined || broker.pendingIsr !== undefined) continue;
      const lagging = broker.tracking.laggingMembers(broker.view.isr, this.now, LAG_MS);
      if (lagging.length > 0)
        this.proposeIsr(
          broker,
          broker.view.isr.filter((id) => !lagging.includes(id)),
        );
    }
  }

  private proposeIsr(broker: Broker, isr: number[]): void {
    broker.pendingIsr = isr;
    const { leaderEpoch, partitionEpoch } = broker.view;
    const incarnation = broker.incarnation;
    this.deliver(broker.id, () => {
      if (broker.incarnation !== incarnation) return;
      this.alterPartition(broker, leaderEpoch, partitionEpoch, isr);
      this.deliver(broker.id, () => {
        if (broker.incarnation !== incarnation) return;
        broker.pendingIsr = undefined;
        this.learn(broker);
      });
    });
  }

  private followersFetch(): void {
    for (const follower of this.brokers.values()) {
      const leaderId = follower.view.leader;
      if (!follower.up || follower.fetching || leaderId === follower.id || leaderId < 0) continue;
      const leader = this.brokers.get(leaderId)!;
      follower.fetching = true;
      const incarnation = follower.incarnation;
      const request = { fetchOffset: follower.log.end, lastFetchedEpoch: follower.log.latestEpoch, leaderEpoch: follower.view.leaderEpoch };
      const done = () => {
        if (follower.incarnation === incarnation) follower.fetching = false;
      };
      if (!this.linked(follower.id, leader.id) || this.random.chance(this.dropRate)) {
        this.queue.schedule(this.now + 100, done);
        continue;
      }
      this.queue.schedule(this.now + this.random.between(1, 15), () => {
        const answer = this.serveFetch(leader, follower.id, request);
        this.queue.schedule(this.now + this.random.between(1, 15), () => {
          done();
          if (answer === undefined || follower.incarnation !== incarnation || !follower.up) return;
          if (follower.view.leader !== leader.id || follower.view.leaderEpoch !== request.leaderEpoch || follower.log.end !== request.fetchOffset) return;
          if (answer.diverging !== undefined) {
            const to = truncationOffset(answer.diverging, follower.log.endOffsetForEpoch(answer.diverging.epoch), 0n);
            follower.log.entries.length = Math.min(follower.log.entries.length, Number(to));
            if (follower.highWatermark > follower.log.end) follower.highWatermark = follower.log.end;
            return;
          }
          follower.log.entries.push(...answer.entries);
          follower.highWatermark = answer.highWatermark < follower.log.end ? answer.highWatermark : follower.log.end;
        });
      });
    }
  }

  private serveFetch(leader: Broker, followerId: number, request: { fetchOffset: bigint; lastFetchedEpoch: number; leaderEpoch: number }) {
    if (!leader.up || leader.tracking === undefined || leader.view.leaderEpoch !== request.leaderEpoch) return undefined;
    const diverging = divergingEpoch(leader.log.endOffsetForEpoch(request.lastFetchedEpoch), request.fetchOffset, request.lastFetchedEpoch);
    if (diverging !== undefined) return { diverging, entries: [], highWatermark: leader.highWatermark };
    if (request.fetchOffset > leader.log.end) return undefined;
    leader.tracking.onFetch(followerId, request.fetchOffset, leader.log.end, this.now);
    this.advanceHighWatermark(leader);
    if (
      !leader.view.isr.includes(followerId) &&
      leader.pendingIsr === undefined &&
      !this.fenced.has(followerId) &&
      leader.tracking.canJoin(followerId, leader.highWatermark, leader.epochStartOffset)
    ) {
      this.proposeIsr(leader, [...leader.view.isr, followerId]);
    }
    return {
      diverging: undefined,
      entries: leader.log.entries.slice(Number(request.fetchOffset), Number(request.fetchOffset) + 20).map((e) => ({ ...e })),
      highWatermark: leader.highWatermark,
    };
  }

  private linked(a: number, b: number): boolean {
    return !this.cuts.has(a) && !this.cuts.has(b) && !this.replicationCuts.has(a) && !this.replicationCuts.has(b);
  }

  /** A message to or from the controller (cut off with the broker, or lost). */
  private deliver(brokerId: number, action: () => void): void {
    if (this.cuts.has(brokerId) || this.random.chance(this.dropRate)) return;
    this.queue.schedule(this.now + this.random.between(1, 20), action);
  }

  private every(ms: number, action: () => void): void {
    const tick = () => {
      action();
      this.queue.schedule(this.now + ms, tick);
    };
    this.queue.schedule(this.now + ms, tick);
  }
}
