import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Operation } from './operation.js';

/**
 * Writes operations to a new JSON-lines file as they happen, so a history survives the process
 * that wrote it (a killed producer's history is still on disk). Each operation reaches the file
 * (the kernel's page cache, which a killed process cannot take back) before `record` returns, so
 * an invocation is on record before the send it announces can reach a broker: with a buffered
 * stream, a producer killed mid-run left messages in the log whose invocations were still in its
 * buffer, and the checker rightly called them unexpected. The file must not exist: a history is
 * never appended to, since ids of two runs would mix.
 */
export class HistoryRecorder {
  private fd: number | undefined;
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
    // 'wx': EEXIST rather than appending to an earlier history.
    this.fd = openSync(file, 'wx');
  }

  /** Milliseconds since the run's time zero. */
  now(): number {
    return Math.round((epochNow() - this.epochMs) * 1000) / 1000;
  }

  record(op: Operation): void {
    if (this.fd === undefined) throw new Error(`history ${this.file} is closed`);
    this.count++;
    writeSync(this.fd, `${JSON.stringify(op)}\n`);
  }

  get operations(): number {
    return this.count;
  }

  close(): Promise<void> {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    return Promise.resolve();
  }
}

/** Wall-clock milliseconds with sub-millisecond resolution. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
