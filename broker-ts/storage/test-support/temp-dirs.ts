// Temporary directories for tests that need real files; cleanup() removes them all.
import fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TempDirs {
  make(): string;
  cleanup(): Promise<void>;
}

export function tempDirs(prefix = 'broker-ts-storage-'): TempDirs {
  const made: string[] = [];
  return {
    make() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    async cleanup() {
      await Promise.all(made.splice(0).map((dir) => fsp.rm(dir, { recursive: true, force: true })));
    },
  };
}
