import { QueueChecker } from '../checker/queue-checker.js';
import type { Operation } from '../history/operation.js';

export interface CheckerSpeed {
  operations: number;
  messages: number;
  opsPerSec: number;
  /** Heap growth while checking, per message: memory proportional to messages means this stays flat as histories grow. */
  bytesPerMessage: number;
}

/**
 * A synthetic history: every message invoked, acknowledged and read once (a few lost, a few read
 * twice), generated on the fly so that only the checker's own memory is measured.
 */
function* syntheticHistory(operations: number): Generator<Operation> {
  const messages = Math.floor(operations / 3);
  const partitions = 12;
  const offsets = new Array<number>(partitions).fill(0);
  for (let id = 0; id < messages; id++) {
    const partition = id % partitions;
    const offset = offsets[partition]!++;
    const process = id % 64;
    yield { f: 'send', type: 'invoke', process, time: id, id, partition };
    yield { f: 'send', type: 'ok', process, time: id + 1, id, partition, offset };
    if (id % 100_000 !== 7) yield { f: 'poll', type: 'ok', process: -1, time: id + 2, reads: [[partition, offset, id]] };
  }
}

export function measureChecker(operations: number): CheckerSpeed {
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const checker = new QueueChecker({ maxListed: 100 });
  let count = 0;
  for (const op of syntheticHistory(operations)) {
    checker.add(op);
    count++;
  }
  const result = checker.result();
  const seconds = (performance.now() - started) / 1000;
  const heapAfter = process.memoryUsage().heapUsed;
  const messages = result.counts.attempted;
  return {
    operations: count,
    messages,
    opsPerSec: Math.round(count / seconds),
    bytesPerMessage: Math.round(Math.max(0, heapAfter - heapBefore) / Math.max(1, messages)),
  };
}
