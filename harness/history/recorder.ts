import { createWriteStream, mkdirSync, openSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { Operation } from './operation.js';

/**
 * Writes operations to a new JSON-lines file as they happen, so a history survives the process
 * that wrote it (a killed producer's history is still on disk). The file must not exist: a history
 * is never appended to, since ids of two runs would mix.
 */
export class HistoryRecorder {
  private readonly stream: WriteStream;
  private count = 0;

  /**
   * `epochMs` is the run's time zero as wall-clock milliseconds: every process of a run (the
   * harness, client processes) records times from the same zero, so their histories line up.
   */
  constructor(
    readonly file: string,
    readonly epochMs = epochNow(),
  ) {
    mkdirSync(dirname(file), { recursive: true });
    // 'wx' throws EEXIST here, synchronously, rather than as a stream error later.
    this.stream = createWriteStream('', { fd: openSync(file, 'wx') });
  }

  /** Milliseconds since the run's time zero. */
  now(): number {
    return Math.round((epochNow() - this.epochMs) * 1000) / 1000;
  }

  record(op: Operation): void {
    this.count++;
    this.stream.write(`${JSON.stringify(op)}\n`);
  }

  get operations(): number {
    return this.count;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

/** Wall-clock milliseconds with sub-millisecond resolution. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
