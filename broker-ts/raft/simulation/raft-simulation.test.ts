// Thousands of seeded schedules of the metadata quorum under drops, delays, partitions, crashes
// and restarts, checking safety all along (raft-simulation.ts) and, once every fault is healed,
// that the quorum elects a leader and commits again. RAFT_SIM_SCHEDULES raises the count.
import { describe, expect, it } from 'vitest';
import { RaftSimulation } from './raft-simulation.js';

const SCHEDULES = Number(process.env.RAFT_SIM_SCHEDULES ?? 2000);

function runSchedule(seed: number): RaftSimulation {
  const probe = new RaftSimulation({ seed, voters: 1, dropRate: 0, maxDelayMs: 0 });
  const voters = probe.random.pick([3, 3, 5]);
  const sim = new RaftSimulation({ seed, voters, dropRate: probe.random.pick([0, 0.02, 0.1]), maxDelayMs: probe.random.pick([2, 10, 40]) });
  const faultRandom = sim.random;
  let t = 0;
  const faultyUntil = 6000;
  while (t < faultyUntil) {
    t += faultRandom.between(20, 200);
    sim.run(t);
    if (faultRandom.chance(0.6)) sim.propose();
    if (faultRandom.chance(0.04)) {
      const id = faultRandom.between(1, voters);
      sim.crash(id);
      const back = t + faultRandom.between(100, 2000);
      sim.queue.schedule(back, () => sim.restart(id));
    }
    if (faultRandom.chance(0.02)) {
      const id = sim.leader()?.id ?? faultRandom.between(1, voters);
      sim.partition([id]);
      sim.queue.schedule(t + faultRandom.between(200, 2500), () => sim.heal());
    }
    if (faultRandom.chance(0.01)) {
      sim.cut(faultRandom.between(1, voters), faultRandom.between(1, voters));
      sim.queue.schedule(t + faultRandom.between(200, 1500), () => sim.heal());
    }
  }
  // Heal everything and check that the quorum recovers: a leader, and new entries committed everywhere.
  sim.heal();
  sim.stopDropping();
  for (const id of sim.nodes.keys()) sim.restart(id);
  sim.run(t + 6000);
  for (let i = 0; i < 5; i++) {
    sim.propose();
    sim.run(sim.now + 100);
  }
  sim.run(sim.now + 3000);
  sim.checkLogs();
  return sim;
}

describe('metadata quorum simulation', () => {
  it(`keeps one leader per epoch and every committed entry over ${SCHEDULES} seeded schedules, and recovers once healed`, () => {
    let committedTotal = 0;
    let epochs = 0;
    for (let seed = 1; seed <= SCHEDULES; seed++) {
      let sim: RaftSimulation;
      try {
        sim = runSchedule(seed);
      } catch (error) {
        throw new Error(`schedule ${seed}: ${(error as Error).message}`, { cause: error });
      }
      const leader = sim.leader();
      expect(leader, `schedule ${seed}: no leader after healing`).toBeDefined();
      const highWatermarks = [...sim.nodes.values()].map((n) => n.raft.highWatermark);
      expect(new Set(highWatermarks).size, `schedule ${seed}: nodes disagree on the high watermark ${highWatermarks.join(', ')}`).toBe(1);
      expect(highWatermarks[0]).toBe(BigInt(sim.committed.length));
      committedTotal += sim.committed.length;
      epochs += sim.leadersByEpoch.size;
    }
    expect(committedTotal).toBeGreaterThan(SCHEDULES * 5);
    expect(epochs).toBeGreaterThan(SCHEDULES);
  });

  it('elects a leader of a fresh three-voter quorum within a few round trips', () => {
    const sim = new RaftSimulation({ seed: 7, voters: 3, dropRate: 0, maxDelayMs: 2 });
    sim.run(200);
    expect(sim.leader()).toBeDefined();
  });

  it('elects a new leader among the majority while the old one stays cut off', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const sim = new RaftSimulation({ seed, voters: 3, dropRate: 0, maxDelayMs: 5 });
      sim.run(500);
      const old = sim.leader()!;
      sim.partition([old.id]);
      sim.run(500 + 4 * (600 + 600));
      const majorityLeaders = [...sim.nodes.values()].filter((n) => n.id !== old.id && n.raft.isLeader);
      expect(majorityLeaders, `seed ${seed}`).toHaveLength(1);
    }
  });

  it('commits nothing a minority leader appended after it was cut off', () => {
    const sim = new RaftSimulation({ seed: 3, voters: 3, dropRate: 0, maxDelayMs: 2 });
    sim.run(500);
    const old = sim.leader()!;
    sim.partition([old.id]);
    sim.propose();
    const stranded = old.log.entries.at(-1)!;
    sim.run(3000);
    const next = sim.leader()!;
    expect(next.id).not.toBe(old.id);
    sim.propose();
    sim.heal();
    sim.run(6000);
    // The stranded entry was truncated on the old leader when it rejoined.
    expect(old.log.entries.some((e) => e.value === stranded.value)).toBe(false);
    expect(old.raft.leaderId).toBe(next.id);
    sim.checkLogs();
  });
});
