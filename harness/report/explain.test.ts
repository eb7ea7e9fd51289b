import { describe, expect, it } from 'vitest';
import type { FaultRecord } from '../nemesis/schedule.js';
import { explainLosses } from './explain.js';
import { TimelineBuilder } from './timeline.js';

const cut: FaultRecord = { step: 0, fault: 'cut', target: 'leader', nodes: [1], params: { listeners: ['replication'] }, injectedAt: 5000, healedAt: 20_000 };
const kill: FaultRecord = { step: 1, fault: 'kill', target: '@old', nodes: [1], params: {}, injectedAt: 9000, healedAt: 20_000 };

describe('explaining a lost message', () => {
  it('names the leader that acknowledged it, the faults in force and the leadership that replaced it', () => {
    const [m] = explainLosses(
      [{ id: 7, process: 0, partition: 0, offset: 40, ackTime: 6000, lostWrite: true, overwrittenBy: 99 }],
      [
        { time: 1000, partition: 0, leader: 1, epoch: 0, isr: [1, 2, 3] },
        { time: 9500, partition: 0, leader: -1, epoch: 0, isr: [2, 3] },
        { time: 12_000, partition: 0, leader: 2, epoch: 1, isr: [2, 3] },
        { time: 15_000, partition: 1, leader: 3, epoch: 4, isr: [3] },
      ],
      [cut, kill],
    );
    expect(m).toMatchObject({ ackedBy: 1, faultsInForce: ['cut (listeners=replication) of node 1'], nextLeader: { leader: 2, epoch: 1, time: 12_000 } });
    expect(m!.explanation).toBe(
      'acknowledged at 6.0s at offset 40 while node 1 led partition 0 in leader epoch 0 (ISR 1,2,3); during cut (listeners=replication) of node 1; ' +
        'the partition went offline at 9.5s; node 2 took over at 12.0s in leader epoch 1 (ISR 2,3) without it; offset 40 now holds message 99.',
    );
  });

  it('says so when nothing was observed', () => {
    const [m] = explainLosses([{ id: 1, process: 0, partition: 0, offset: undefined, ackTime: 100, lostWrite: false, overwrittenBy: undefined }], [], []);
    expect(m!.explanation).toBe('acknowledged at 0.1s; with no fault in force; no later leader change was observed; it was never read.');
  });
});

describe('explaining a loss to a power cut', () => {
  const powerLoss: FaultRecord = {
    step: 0,
    fault: 'power-loss',
    target: 'all',
    nodes: [1, 2, 3],
    params: {},
    injectedAt: 8000,
    droppedRecords: [
      { node: 1, partition: 0, offsets: [0, 9], ids: [1, 2] },
      { node: 3, partition: 0, offsets: [0, 9], ids: [2] },
      { node: 2, partition: 1, offsets: [0, 9], ids: [1] },
    ],
  };
  const lost = (id: number, partition: number) => ({ id, process: 0, partition, offset: 3, ackTime: 7000, lostWrite: false, overwrittenBy: undefined });

  it('names every node whose power cut dropped the message', () => {
    const [one, two] = explainLosses([lost(1, 0), lost(2, 0)], [], [powerLoss]);
    expect(one!.droppedByPowerCut).toEqual([1]);
    expect(one!.explanation).toContain('its bytes were not fsynced on node 1, whose power cut dropped them');
    expect(two!.droppedByPowerCut).toEqual([1, 3]);
    expect(two!.explanation).toContain('not fsynced on node 1, node 3,');
  });

  it('says when no power cut dropped a message lost in a run with one', () => {
    const [m] = explainLosses([lost(9, 0)], [], [powerLoss]);
    expect(m!.droppedByPowerCut).toEqual([]);
    expect(m!.explanation).toContain('no power cut dropped it from a disk (it was lost otherwise)');
  });

  it('says nothing of power cuts in a run without one', () => {
    const [m] = explainLosses([lost(1, 0)], [], []);
    expect(m!.explanation).not.toContain('power cut');
  });
});

describe('timeline', () => {
  it('buckets sends, measures latency and the longest stretch without an acknowledgement', () => {
    const t = new TimelineBuilder(1000);
    let id = 0;
    const send = (at: number, latency: number | undefined) => {
      const i = id++;
      t.add({ f: 'send', type: 'invoke', process: 0, time: at, id: i, partition: 0 });
      if (latency !== undefined) t.add({ f: 'send', type: 'ok', process: 0, time: at + latency, id: i, partition: 0, offset: i });
      else t.add({ f: 'send', type: 'info', process: 0, time: at + 3000, id: i, partition: 0, error: 'timeout' });
    };
    for (let ms = 0; ms < 2000; ms += 100) send(ms, 5);
    send(2000, undefined);
    send(6000, 10);
    const r = t.result();
    expect(r.buckets[0]).toMatchObject({ start: 0, attempted: 10, acknowledged: 10, p50Ms: 5 });
    // From the last acknowledgement before the outage to the last send offered.
    expect(r.longestOutageMs).toBe(6000 - 1905);
    expect(r.latency.maxMs).toBe(10);
  });
});
