import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { Operation } from './operation.js';

/**
 * Appends operations to a JSON-lines file as they happen, so a history survives the process that
 * wrote it (a killed producer's history is still on disk).
 */
export class HistoryRecorder {
  private readonly stream: WriteStream;
  private readonly started = performance.now();
  private count = 0;

  constructor(readonly file: string, private readonly timeOrigin = 0) {
    mkdirSync(dirname(file), { recursive: true });
    this.stream = createWriteStream(file, { flags: 'a' });
  }

  /** Milliseconds since the recorder started (plus the origin it was given). */
  now(): number {
    return Math.round((performance.now() - this.started + this.timeOrigin) * 1000) / 1000;
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
