// Owns the partition logs under log.dirs: opens every partition directory at start-up, creates and
// deletes partition logs. A partition lives in <log dir>/<topic>-<partition>; deleting one renames
// its directory to <topic>-<partition>.<id>-delete before removing it, so a crash in between leaves
// something start-up recognises and finishes deleting.
//
// A log dir fails as a whole, as in Kafka (LogDirFailureChannel): the first I/O error of any of its
// logs (a full disk, a read-only or vanished file system) takes every log in it offline, so all its
// partitions answer KAFKA_STORAGE_ERROR while the other dirs keep serving; new partitions go to dirs
// still online; what was written stays on disk for the next start.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { createDirectoryDurably, fsyncDirectory } from './durable-fs.js';
import { KafkaStorageError } from './errors.js';
import type { LogConfig } from './log-config.js';
import { PartitionLog } from './partition-log.js';
import type { PartitionLogOptions } from './partition-log.js';

export interface LogManagerOptions extends Omit<PartitionLogOptions, 'config'> {
  logDirs: readonly string[];
  /** Broker-wide settings. */
  config?: Partial<LogConfig>;
  /** Topic-level overrides, applied on top of the broker-wide settings. */
  topicConfig?: (topic: string) => Partial<LogConfig> | undefined;
  /** producer.id.expiration.check.interval.ms */
  producerExpirationCheckMs?: number;
  /** Topics whose directories belong to someone else (the cluster metadata log) and are left alone. */
  excludeTopics?: readonly string[];
  /** A log dir went offline; `remaining` dirs are still online. */
  onLogDirFailure?: (dir: string, error: KafkaStorageError, remaining: number) => void;
}

export interface TopicPartitionLog {
  topic: string;
  partition: number;
  dir: string;
  log: PartitionLog;
}

const PARTITION_DIR = /^(.+)-(\d+)$/;
const DELETED_DIR = /^.+-\d+\.[0-9a-f]{32}-delete$/;
const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** Topic and partition of a partition directory name; undefined for anything else. */
export function parsePartitionDirName(name: string): { topic: string; partition: number } | undefined {
  if (DELETED_DIR.test(name)) return undefined;
  const match = PARTITION_DIR.exec(name);
  if (match === null || !LEGAL_TOPIC.test(match[1]!)) return undefined;
  return { topic: match[1]!, partition: Number(match[2]) };
}

export class LogManager {
  private readonly logs = new Map<string, TopicPartitionLog>();
  private readonly opening = new Map<string, { dir: string; log: Promise<PartitionLog> }>();
  private readonly offline = new Set<string>();
  private readonly expirationTimer: NodeJS.Timeout;

  private constructor(private readonly options: LogManagerOptions & { logDirs: string[] }) {
    this.expirationTimer = setInterval(
      () => {
        for (const { log } of this.logs.values()) if (log.isOpen) log.removeExpiredProducers();
      },
      options.producerExpirationCheckMs ?? 10 * 60 * 1000,
    );
    this.expirationTimer.unref();
  }

  /** Opens (recovering as needed) every partition found under the log directories. */
  static async open(options: LogManagerOptions): Promise<LogManager> {
    if (options.logDirs.length === 0) throw new RangeError('at least one log directory is needed');
    const manager = new LogManager({ ...options, logDirs: options.logDirs.map((dir) => path.resolve(dir)) });
    try {
      for (const logDir of manager.options.logDirs) {
        await createDirectoryDurably(logDir);
        for (const entry of fs.readdirSync(logDir, { withFileTypes: true })) {
          if (!entry.isDirectory()) continue;
          const full = path.join(logDir, entry.name);
          if (DELETED_DIR.test(entry.name)) {
            await fsp.rm(full, { recursive: true, force: true });
            continue;
          }
          const parsed = parsePartitionDirName(entry.name);
          if (parsed === undefined || options.excludeTopics?.includes(parsed.topic)) continue;
          const key = partitionDirName(parsed.topic, parsed.partition);
          if (manager.logs.has(key)) throw new Error(`partition ${key} exists in two log directories`);
          const log = await PartitionLog.open(full, manager.partitionOptions(parsed.topic, logDir));
          manager.logs.set(key, { ...parsed, dir: full, log });
        }
      }
    } catch (error) {
      await manager.close();
      throw error;
    }
    return manager;
  }

  get(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(partitionDirName(topic, partition))?.log;
  }

  all(): TopicPartitionLog[] {
    return [...this.logs.values()];
  }

  /** Log dirs taken offline by an I/O error since start-up. */
  offlineLogDirs(): string[] {
    return [...this.offline];
  }

  onlineLogDirs(): string[] {
    return this.options.logDirs.filter((dir) => !this.offline.has(dir));
  }

  /** Takes a log dir and every log in it offline (the first I/O error in it does this). */
  failLogDir(logDir: string, error: KafkaStorageError): void {
    if (this.offline.has(logDir)) return;
    this.offline.add(logDir);
    for (const { dir, log } of this.logs.values()) if (path.dirname(dir) === logDir) log.markOffline();
    this.options.onLogDirFailure?.(logDir, error, this.onlineLogDirs().length);
  }

  /** The partition's log, created in the least loaded log directory if it does not exist. */
  getOrCreate(topic: string, partition: number, config?: Partial<LogConfig>): Promise<PartitionLog> {
    if (!LEGAL_TOPIC.test(topic)) throw new RangeError(`illegal topic name "${topic}"`);
    if (!Number.isInteger(partition) || partition < 0) throw new RangeError(`illegal partition ${partition}`);
    const key = partitionDirName(topic, partition);
    const existing = this.logs.get(key);
    if (existing !== undefined) return Promise.resolve(existing.log);
    const pending = this.opening.get(key);
    if (pending !== undefined) return pending.log;
    const logDir = this.leastLoadedLogDir();
    const dir = path.join(logDir, key);
    const opening = PartitionLog.open(dir, this.partitionOptions(topic, logDir, config))
      .catch((error: unknown) => {
        if (!(error instanceof Error && 'syscall' in error)) throw error;
        const failure = new KafkaStorageError(`cannot create ${dir}: ${error.message}`, error);
        this.failLogDir(logDir, failure);
        throw failure;
      })
      .then((log) => {
        this.logs.set(key, { topic, partition, dir, log });
        return log;
      })
      .finally(() => this.opening.delete(key));
    this.opening.set(key, { dir, log: opening });
    return opening;
  }

  /** Removes the partition's log and its directory. */
  async delete(topic: string, partition: number): Promise<void> {
    const key = partitionDirName(topic, partition);
    const entry = this.logs.get(key);
    if (entry === undefined) return;
    this.logs.delete(key);
    await entry.log.discard();
    const deleted = path.join(path.dirname(entry.dir), `${key}.${randomUUID().replaceAll('-', '')}-delete`);
    await fsp.rename(entry.dir, deleted);
    await fsyncDirectory(path.dirname(entry.dir));
    await fsp.rm(deleted, { recursive: true, force: true });
  }

  async deleteTopic(topic: string): Promise<void> {
    for (const entry of this.all()) if (entry.topic === topic) await this.delete(entry.topic, entry.partition);
  }

  async flushAll(): Promise<void> {
    await Promise.all(this.all().map(({ log }) => log.flush()));
  }

  /** Closes every log cleanly. */
  async close(): Promise<void> {
    clearInterval(this.expirationTimer);
    await Promise.allSettled([...this.opening.values()].map((pending) => pending.log));
    const results = await Promise.allSettled(this.all().map(({ log }) => log.close()));
    this.logs.clear();
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
  }

  private partitionOptions(topic: string, logDir: string, config?: Partial<LogConfig>): PartitionLogOptions {
    const {
      logDirs: _logDirs,
      topicConfig,
      producerExpirationCheckMs: _check,
      excludeTopics: _excluded,
      onLogDirFailure: _dirFailure,
      config: brokerConfig,
      ...shared
    } = this.options;
    return { ...shared, config: { ...brokerConfig, ...topicConfig?.(topic), ...config }, onIoFailure: (error) => this.failLogDir(logDir, error) };
  }

  private leastLoadedLogDir(): string {
    const online = this.onlineLogDirs();
    if (online.length === 0) throw new KafkaStorageError(`every log dir is offline (${this.options.logDirs.join(', ')})`);
    const counts = new Map(online.map((dir) => [dir, 0]));
    for (const { dir } of [...this.logs.values(), ...this.opening.values()]) {
      const parent = path.dirname(dir);
      if (counts.has(parent)) counts.set(parent, counts.get(parent)! + 1);
    }
    return [...counts.entries()].reduce((best, entry) => (entry[1] < best[1] ? entry : best))[0];
  }
}
