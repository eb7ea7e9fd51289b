// Seeded schedules of one replicated partition under drops, crashes, restarts and isolated
// (zombie) leaders, checking the acks=all guarantees of the replication rules (isr-simulation.ts),
// and with eligible leader replicas that nothing readable is lost either. ISR_SIM_SCHEDULES raises
// the count.
import { describe, expect, it } from 'vitest';
import { IsrSimulation, type SimulationOptions } from './isr-simulation.js';

const SCHEDULES = Number(process.env.ISR_SIM_SCHEDULES ?? 1000);

function runSchedule(seed: number, options: SimulationOptions = {}): IsrSimulation {
  const probe = new IsrSimulation(seed, 3, 1, 0);
  const replicas = probe.random.pick([3, 3, 5]);
  const sim = new IsrSimulation(seed, replicas, probe.random.pick([1, 2, 2]), probe.random.pick([0, 0.02, 0.1]), options);
  const r = sim.random;
  let t = 0;
  while (t < 4000) {
    t += r.between(5, 40);
    sim.run(t);
    sim.produce();
    if (options.elr) sim.produce(true);
    if (r.chance(0.01)) {
      const id = r.between(1, replicas);
      sim.crash(id);
      sim.queue.schedule(t + r.between(50, 1200), () => sim.restart(id));
    }
    if (r.chance(0.006)) {
      sim.isolate(sim.registration.leader > 0 ? sim.registration.leader : r.between(1, replicas));
      sim.queue.schedule(t + r.between(100, 1500), () => sim.heal());
    }
    // With ELR: the leader's replication cut (its ISR shrinks to itself, below the minimum), and
    // then, often, the leader killed, so that the ELR elects.
    if (options.elr && r.chance(0.006) && sim.registration.leader > 0) {
      const leader = sim.registration.leader;
      sim.cutReplication(leader);
      sim.queue.schedule(t + r.between(400, 900), () => sim.crash(leader));
      sim.queue.schedule(t + r.between(1000, 1600), () => sim.heal());
      sim.queue.schedule(t + r.between(1600, 2400), () => sim.restart(leader));
    }
  }
  sim.heal();
  for (const id of sim.brokers.keys()) sim.restart(id);
  sim.run(t + 4000);
  return sim;
}

describe('replicated partition simulation', () => {
  it(`acknowledges acks=all writes only once the ISR has them, and loses none, over ${SCHEDULES} seeded schedules`, () => {
    let acked = 0;
    for (let seed = 1; seed <= SCHEDULES; seed++) {
      let sim: IsrSimulation;
      try {
        sim = runSchedule(seed);
        sim.checkNoAckedLoss();
      } catch (error) {
        throw new Error(`schedule ${seed}: ${(error as Error).message}`, { cause: error });
      }
      acked += sim.acked.size;
    }
    expect(acked).toBeGreaterThan(SCHEDULES * 20);
  });

  it('catches the loss when the controller elects replicas outside the ISR (broker.ts.bug.elect.any.replica)', () => {
    const failures = [...Array(200).keys()].filter((i) => {
      try {
        runSchedule(i + 1, { electAnyReplica: true }).checkNoAckedLoss();
        return false;
      } catch {
        return true;
      }
    });
    expect(failures.length).toBeGreaterThan(0);
  });

  it(`with eligible leader replicas, loses no acknowledged write and nothing readable, over ${SCHEDULES} seeded schedules`, () => {
    let acked = 0;
    let readable = 0;
    let elrElections = 0;
    for (let seed = 1; seed <= SCHEDULES; seed++) {
      let sim: IsrSimulation;
      try {
        sim = runSchedule(seed, { elr: true });
        sim.checkNoAckedLoss();
        sim.checkNoReadLoss();
      } catch (error) {
        throw new Error(`schedule ${seed}: ${(error as Error).message}`, { cause: error });
      }
      acked += sim.acked.size;
      readable += sim.readable.size;
      elrElections += sim.elrElections;
    }
    expect(acked).toBeGreaterThan(SCHEDULES * 20);
    expect(readable).toBeGreaterThan(acked);
    // The schedules elected from the ELR, not only from the ISR.
    expect(elrElections).toBeGreaterThan(SCHEDULES / 10);
  });

  it('catches readable writes lost when the high watermark moves below min.insync.replicas (broker.ts.bug.hw.ignores.min.isr)', () => {
    const failures = [...Array(200).keys()].filter((i) => {
      try {
        const sim = runSchedule(i + 1, { elr: true, hwIgnoresMinIsr: true });
        sim.checkNoReadLoss();
        return false;
      } catch {
        return true;
      }
    });
    console.log(`hw.ignores.min.isr: ${failures.length} of 200 schedules lost a readable write`);
    expect(failures.length).toBeGreaterThan(0);
  });
});
