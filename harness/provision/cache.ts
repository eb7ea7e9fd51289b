import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Downloaded and built components live outside the repository so that clones share them.
 * KAFKA_CHAOS_CACHE overrides the location.
 */
export function cacheDir(...parts: string[]): string {
  const base = process.env.KAFKA_CHAOS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kafka-chaos');
  return join(base, ...parts);
}
