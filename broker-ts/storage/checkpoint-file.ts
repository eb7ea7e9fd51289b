// Kafka's text checkpoint format: a version line, an entry-count line, then one entry per line with
// space-separated fields. Writes are atomic and coalesced: while one write is in flight, any number
// of new requests share a single follow-up write of the then-current content.
import fs from 'node:fs';
import { writeFileDurably } from './durable-fs.js';

export const CHECKPOINT_VERSION = 0;

export class CorruptCheckpointError extends Error {}

/** Entries of the checkpoint at `file`, or undefined if it does not exist. */
export function readCheckpoint(file: string): string[][] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const [version, count, ...entries] = lines;
  if (version !== String(CHECKPOINT_VERSION)) throw new CorruptCheckpointError(`${file}: unknown version ${version}`);
  if (count === undefined || !/^\d+$/.test(count) || Number(count) !== entries.length) {
    throw new CorruptCheckpointError(`${file}: expected ${count} entries, found ${entries.length}`);
  }
  return entries.map((line) => line.split(' '));
}

/** Reads a checkpoint holding a single offset. */
export function readOffsetCheckpoint(file: string): bigint | undefined {
  const entries = readCheckpoint(file);
  if (entries === undefined) return undefined;
  const value = entries[0]?.[0];
  if (entries.length !== 1 || value === undefined || !/^-?\d+$/.test(value)) {
    throw new CorruptCheckpointError(`${file}: expected one offset`);
  }
  return BigInt(value);
}

export function renderCheckpoint(entries: readonly (readonly (string | number | bigint)[])[]): string {
  return [String(CHECKPOINT_VERSION), String(entries.length), ...entries.map((entry) => entry.join(' '))].map((line) => line + '\n').join('');
}

export class CheckpointWriter {
  private inFlight: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private lastWritten: string | undefined;

  constructor(
    readonly file: string,
    private readonly render: () => string,
  ) {}

  /** Resolves once the content current at some point after this call is durable. */
  write(): Promise<void> {
    if (this.inFlight === undefined) return this.start();
    this.queued ??= this.inFlight
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.start();
      });
    return this.queued;
  }

  /** Resolves when no write is in flight or queued (whether they succeeded or not). */
  async idle(): Promise<void> {
    while (this.queued !== undefined || this.inFlight !== undefined) {
      await Promise.allSettled([this.queued, this.inFlight]);
    }
  }

  private start(): Promise<void> {
    const content = this.render();
    if (content === this.lastWritten) return Promise.resolve();
    const write = writeFileDurably(this.file, content)
      .then(() => {
        this.lastWritten = content;
      })
      .finally(() => {
        if (this.inFlight === write) this.inFlight = undefined;
      });
    this.inFlight = write;
    return write;
  }
}
