import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioContext } from '../context.js';
import { runTool } from './external-tool.js';

/** kcat (librdkafka): a client that speaks the flexible, newer protocol versions kafkajs never uses. */

export interface KcatRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
  /** kcat lists headers as [name, value, name, value, ...]. */
  headers?: string[];
}

export interface KcatMetadata {
  controllerid: number;
  brokers: { id: number; name: string }[];
  topics: { topic: string; partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[] }[] }[];
}

const TIMEOUT_MS = 30_000;

function broker(ctx: ScenarioContext): string[] {
  return ['-b', ctx.bootstrapServers().join(',')];
}

export async function kcatMetadata(ctx: ScenarioContext, topic: string): Promise<KcatMetadata> {
  const run = await runTool(ctx, 'kcat-metadata', 'kcat', ['-L', '-J', ...broker(ctx), '-t', topic], TIMEOUT_MS);
  return run.events[0] as unknown as KcatMetadata;
}

/**
 * Produces one record per line `key:value` with acks=all; an empty value is sent as null (-Z).
 * kcat exits non-zero when a delivery fails, which fails the scenario.
 */
export async function kcatProduce(
  ctx: ScenarioContext,
  name: string,
  topic: string,
  records: { key: string; value: string }[],
  options: { headers?: Record<string, string>; compression?: 'gzip' | 'snappy' | 'lz4' | 'zstd' } = {},
): Promise<void> {
  const input = join(ctx.workDir(), `${name}.input`);
  writeFileSync(input, records.map((r) => `${r.key}:${r.value}\n`).join(''));
  const args = ['-P', ...broker(ctx), '-t', topic, '-K', ':', '-Z', '-X', 'acks=all', '-l'];
  for (const [k, v] of Object.entries(options.headers ?? {})) args.push('-H', `${k}=${v}`);
  if (options.compression) args.push('-X', `compression.codec=${options.compression}`);
  await runTool(ctx, name, 'kcat', [...args, input], TIMEOUT_MS);
}

/**
 * Reads `topic` to its end: with `group`, as a member of that consumer group (JoinGroup,
 * SyncGroup, OffsetCommit through librdkafka), otherwise partition by partition from the start.
 */
export async function kcatConsume(ctx: ScenarioContext, name: string, topic: string, group?: string): Promise<KcatRecord[]> {
  const mode = group ? ['-G', group] : ['-C', '-t', topic];
  const args = [...mode, ...broker(ctx), '-o', 'beginning', '-e', '-J', ...(group ? [topic] : [])];
  const run = await runTool(ctx, name, 'kcat', args, TIMEOUT_MS);
  return run.events as unknown as KcatRecord[];
}
