import { closeSync, fsyncSync, openSync } from 'node:fs';

/** fsyncs a file, or a directory (which makes the names created in it durable). */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
