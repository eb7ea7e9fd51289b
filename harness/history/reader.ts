import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Operation } from './operation.js';

/** Streams the operations of one or more history files; a torn last line (a killed writer) is skipped. */
export async function* readHistory(...files: string[]): AsyncGenerator<Operation> {
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.length === 0) continue;
      try {
        yield JSON.parse(line) as Operation;
      } catch {
        /* partial line from a process killed mid-write */
      }
    }
  }
}
