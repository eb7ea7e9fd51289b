// The broker epoch this broker had when it last shut down cleanly, in every log dir, as Kafka's
// CleanShutdownFileHandler keeps it (`.kafka_cleanshutdown`, {"version":0,"brokerEpoch":N}). A
// starting broker takes it (reads it and removes it, so that a crash from then on is never taken
// for a clean shutdown) and names it when it registers; the controller keeps a broker that names
// another epoch, one back from a crash, out of the eligible leader replicas (KIP-966).
import fs from 'node:fs';
import path from 'node:path';
import { fsyncDirectorySync, writeFileDurablySync } from '../storage/index.js';

const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';
const FORMAT_VERSION = 0;

/** Reads and removes the files; the epoch they agree on, or -1 when a dir has none (or they differ). */
export function takePreviousBrokerEpoch(logDirs: readonly string[]): bigint {
  const epochs = logDirs.map((dir) => readEpoch(path.join(dir, CLEAN_SHUTDOWN_FILE)));
  for (const dir of logDirs) {
    const file = path.join(dir, CLEAN_SHUTDOWN_FILE);
    if (!fs.existsSync(file)) continue;
    fs.rmSync(file);
    fsyncDirectorySync(dir);
  }
  const first = epochs[0];
  return first !== undefined && epochs.every((epoch) => epoch === first) ? first : -1n;
}

/** Written last in a clean shutdown, once every log is flushed and closed, in each log dir still online. */
export function writeCleanShutdown(logDirs: readonly string[], brokerEpoch: bigint): void {
  if (brokerEpoch < 0n) return;
  for (const dir of logDirs) writeFileDurablySync(path.join(dir, CLEAN_SHUTDOWN_FILE), `{"version":${FORMAT_VERSION},"brokerEpoch":${brokerEpoch}}`);
}

function readEpoch(file: string): bigint {
  if (!fs.existsSync(file)) return -1n;
  const match = /"brokerEpoch"\s*:\s*(-?\d+)/.exec(fs.readFileSync(file, 'utf8'));
  return match === null ? -1n : BigInt(match[1]!);
}
