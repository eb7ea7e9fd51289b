import { describe, expect, it } from 'vitest';
import type { Operation } from '../history/operation.js';
import { QuorumChecker } from './quorum-checker.js';

const created = (topic: string, time: number, type: 'ok' | 'info' = 'ok'): Operation[] => [
  { f: 'create-topic', type: 'invoke', process: 'metadata', time: time - 5, topic },
  { f: 'create-topic', type, process: 'metadata', time, topic },
];
const state = (node: number, time: number, epoch: number, leader: number, voted = -1): Operation => ({
  f: 'quorum',
  type: 'ok',
  process: 'observer',
  time,
  node,
  epoch,
  leader,
  voted,
});
const finalRead = (node: number, topics: string[], batches: [number, number, number][] = []): Operation => ({
  f: 'metadata-read',
  type: 'ok',
  process: 'metadata',
  time: 1000,
  node,
  topics,
  batches,
});

function check(...ops: (Operation | Operation[])[]) {
  const c = new QuorumChecker();
  for (const op of ops.flat()) c.add(op);
  return c.result();
}

describe('quorum checker', () => {
  it('a quorum that moved leaders epoch by epoch and kept every topic is clean', () => {
    const r = check(
      created('t-1', 10),
      created('t-2', 20),
      created('t-3', 30, 'info'),
      [1, 2, 3].map((n) => state(n, 1, 1, 2)),
      [1, 3].map((n) => state(n, 50, 2, 3, 3)),
      // A node restored from an old copy says again what it said then: no second leader.
      state(2, 60, 1, 2, 2),
      state(2, 70, 2, 3),
      [1, 2, 3].map((n) =>
        finalRead(
          n,
          ['t-1', 't-2'],
          [
            [0, 1, 111],
            [10, 2, 222],
          ],
        ),
      ),
    );
    expect(r).toMatchObject({ topicsCreated: 2, topicsUnknown: 1, lostTopics: [], splitEpochs: [], epochsSeen: 2 });
    expect(r.nodesRead).toEqual({ 1: { topics: 2, batches: 2 }, 2: { topics: 2, batches: 2 }, 3: { topics: 2, batches: 2 } });
  });

  it('an acknowledged topic missing from one node at the end is lost there; an unknown one is not', () => {
    const r = check(created('t-1', 10), created('t-2', 20), created('t-3', 30, 'info'), finalRead(1, ['t-1', 't-2']), finalRead(2, ['t-1']), {
      f: 'metadata-read',
      type: 'fail',
      process: 'metadata',
      time: 1000,
      node: 3,
      error: 'its process exited by itself',
    });
    expect(r.lostTopics).toEqual([{ topic: 't-2', createdAt: 20, missingOn: [2] }]);
    expect(r.nodesUnread).toEqual({ 3: 'its process exited by itself' });
  });

  it('two nodes naming different leaders for one epoch is a split epoch', () => {
    const r = check(state(1, 5, 4, 1, 1), state(2, 6, 4, 1, 1), state(3, 7, 4, 3, 3), finalRead(1, []));
    expect(r.splitEpochs).toEqual([
      {
        epoch: 4,
        claims: [
          { node: 1, leader: 1, time: 5 },
          { node: 3, leader: 3, time: 7 },
        ],
        divergentBatches: [],
      },
    ]);
  });

  it('two versions of a batch of one epoch at one offset are a split epoch, even when one was truncated before the end', () => {
    const r = check(
      { f: 'metadata-log', type: 'ok', process: 'observer', time: 100, node: 2, batches: [[30, 5, 0xaaaa]] },
      { f: 'metadata-log', type: 'ok', process: 'observer', time: 120, node: 1, batches: [[30, 5, 0xbbbb]] },
      // A batch rewritten at the same offset in a later epoch (a follower truncating a stale suffix) is not.
      { f: 'metadata-log', type: 'ok', process: 'observer', time: 130, node: 3, batches: [[40, 5, 0xcccc]] },
      finalRead(3, [], [[40, 6, 0xdddd]]),
      finalRead(2, [], [[30, 5, 0xbbbb]]),
    );
    expect(r.splitEpochs).toEqual([
      {
        epoch: 5,
        claims: [],
        divergentBatches: [
          {
            offset: 30,
            versions: [
              { node: 2, time: 100, crc: 0xaaaa },
              { node: 1, time: 120, crc: 0xbbbb },
            ],
          },
        ],
      },
    ]);
  });

  it('a node that cannot answer at the end still has its disk: a batch only it holds counts', () => {
    const r = check(finalRead(1, [], [[25, 1, 0x1111]]), {
      f: 'metadata-read',
      type: 'fail',
      process: 'metadata',
      time: 1000,
      node: 2,
      batches: [[25, 1, 0x2222]],
      error: 'its process exited by itself',
    });
    expect(r.splitEpochs.map((e) => [e.epoch, e.divergentBatches.map((d) => d.versions.map((v) => v.node))])).toEqual([[1, [[1, 2]]]]);
  });

  it('a node that knows no leader claims nothing', () => {
    expect(check(state(1, 5, 7, -1, -1), state(2, 6, 7, 2, 2), finalRead(1, [])).splitEpochs).toEqual([]);
  });
});
