// V8 counts the bytes of Buffers allocated since its last full collection against the old
// generation's limit. A broker holds few JavaScript objects (about 16 MB) while record bytes stream
// through it at tens of MB/s, and with V8's default growth factor (near 1.1 when collections are
// cheap) that left a few MB of slack: a 3-node cluster under Kafka's ProducerPerformance ran a full
// mark-compact every 100 ms on every node, about half of broker-ts's CPU. Growing the limit by the
// largest factor V8 itself picks (4x the live heap) leaves room for the bytes in flight.
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 300;

/** The V8 flag to set, or undefined when Node's own command line already chose a growth factor. */
export function heapGrowthFlag(execArgv: readonly string[], percent = HEAP_GROWING_PERCENT): string | undefined {
  const chosen = execArgv.some((arg) => /^--heap[-_]growing[-_]percent(=|$)/.test(arg));
  return chosen ? undefined : `--heap-growing-percent=${percent}`;
}

/** Applies the growth factor to this process; V8 reads it at every full collection, so setting it at start-up suffices. */
export function applyHeapGrowth(execArgv: readonly string[] = process.execArgv, percent = HEAP_GROWING_PERCENT): void {
  const flag = heapGrowthFlag(execArgv, percent);
  if (flag !== undefined) setFlagsFromString(flag);
}
