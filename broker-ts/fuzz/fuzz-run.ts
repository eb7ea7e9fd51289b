// A fuzz run against a real broker-ts process: cases in batches from parallel workers, and after
// every batch a health check (the process is alive, a fresh client gets ApiVersions and Metadata,
// the target topic holds exactly the records acknowledged to it, the kafkajs canary keeps sending
// and receiving, the resident memory is under the limit). Ends after the number of cases or the
// time asked for, or at the first failure, and reports what happened.
import { readFileSync } from 'node:fs';
import { ApiKey, ErrorCode, WireClient } from '@kafka-chaos/protocol';
import { BrokerProcess } from '../testing/broker-process.js';
import { Canary } from './canary.js';
import type { CanaryProgress } from './canary.js';
import { CASE_WEIGHTS, EXCLUDED_APIS, Worker, runCase } from './cases.js';
import type { CaseContext, CaseKind, TargetTopic } from './cases.js';

export interface FuzzOptions {
  cases: number;
  /** Stop after this long even if fewer cases ran. */
  maxMs: number;
  seed: number;
  /** Parallel workers, each with its own connection. */
  concurrency: number;
  /** Cases between health checks. */
  batch: number;
  /** The broker's resident memory must stay under this. */
  maxRssMb: number;
  /**
   * The broker's heap limit (--max-old-space-size): garbage is collected before it is reached, so
   * a broker that keeps what it should not runs out of memory instead of merely growing.
   */
  heapLimitMb: number;
  /** The broker's log level (logging every refused connection slows it down). */
  logLevel: string;
  onProgress?: (report: FuzzReport) => void;
}

export interface MemoryReport {
  samples: number;
  startMb: number;
  maxMb: number;
  endMb: number;
  /** Least-squares growth over the second half of the run. */
  slopeMbPerMinute: number;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  elapsedMs: number;
  casesPerSecond: number;
  byKind: Record<string, Record<string, number>>;
  healthChecks: number;
  memory: MemoryReport;
  canary: CanaryProgress & { missing: number };
  targetRecords: string;
  excludedApis: number[];
  findings: string[];
  /** Why the run stopped early: the broker died, stopped answering or grew too large. */
  failure: string | undefined;
  brokerExitCode: number | null | undefined;
  logFile: string;
}

const TARGET: Omit<TargetTopic, 'acknowledged'> = { name: 'fuzz-target', partitions: 3, maxMessageBytes: 65_536 };
const CANARY_TOPIC = 'fuzz-canary';
const STALL_MS = 20_000;

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const node = await BrokerProcess.start({
    properties: {
      'auto.create.topics.enable': 'false',
      // Members of groups the fuzzer joins and abandons expire within this, instead of 30 minutes.
      'group.max.session.timeout.ms': '30000',
      'offsets.topic.num.partitions': '1',
    },
    env: { BROKER_TS_LOG_LEVEL: options.logLevel, NODE_OPTIONS: `--max-old-space-size=${options.heapLimitMb}` },
  });
  const pid = node.pid!;
  const target: TargetTopic = { ...TARGET, acknowledged: Array.from({ length: TARGET.partitions }, () => 0n) };
  const findings: string[] = [];
  const byKind: Record<string, Record<string, number>> = Object.fromEntries(Object.keys(CASE_WEIGHTS).map((k) => [k, {}]));
  const rss: { at: number; mb: number }[] = [];
  const sampler = setInterval(() => {
    const mb = residentMb(pid);
    if (mb !== undefined) rss.push({ at: Date.now(), mb });
  }, 1000);
  let canary: Canary | undefined;
  let failure: string | undefined;
  let cases = 0;
  let healthChecks = 0;
  const report = (): FuzzReport => ({
    seed: options.seed,
    cases,
    elapsedMs: Date.now() - started,
    casesPerSecond: Math.round((cases / Math.max(1, Date.now() - started)) * 1000),
    byKind,
    healthChecks,
    memory: memoryReport(rss),
    canary: { ...(canary?.progress ?? { sent: 0, acknowledged: 0, received: 0, failures: [] }), missing: canary?.missing().length ?? 0 },
    targetRecords: target.acknowledged.join(','),
    excludedApis: [...EXCLUDED_APIS],
    findings: [...new Set(findings)].slice(0, 50),
    failure,
    brokerExitCode: undefined,
    logFile: node.logFile,
  });

  try {
    const admin = await WireClient.connect({ host: '127.0.0.1', port: node.port });
    await createTopic(admin, TARGET.name, TARGET.partitions, { 'max.message.bytes': String(TARGET.maxMessageBytes) });
    await createTopic(admin, CANARY_TOPIC, 1, {});
    await admin.close();
    canary = new Canary(node.bootstrap, CANARY_TOPIC);
    await canary.start();

    const ctx: CaseContext = { host: '127.0.0.1', port: node.port, target, finding: (message) => findings.push(message) };
    const workers = Array.from({ length: options.concurrency }, () => new Worker(ctx));
    const progress = { acknowledged: 0, received: 0, ackedAt: Date.now(), receivedAt: Date.now() };
    while (cases < options.cases && Date.now() - started < options.maxMs && failure === undefined) {
      const end = Math.min(options.cases, cases + options.batch);
      let nextIndex = cases;
      await Promise.all(
        workers.map(async (worker) => {
          for (let index = nextIndex++; index < end; index = nextIndex++) {
            const result = await runCase(ctx, worker, options.seed, index).catch((error: unknown) => ({ kind: 'error' as CaseKind, reaction: String(error) }));
            const counts = (byKind[result.kind] ??= {});
            const key = result.reaction.startsWith('Error') ? 'fuzzer-error' : result.reaction;
            counts[key] = (counts[key] ?? 0) + 1;
          }
        }),
      );
      for (const worker of workers) worker.drop();
      cases = end;
      healthChecks += 1;
      failure = await checkHealth(node, target, canary, progress, rss, options.maxRssMb);
      if (failure === undefined && findings.length > 0) failure = `the broker accepted what it must refuse: ${findings[0]}`;
      options.onProgress?.(report());
    }
    // Every acknowledged canary message must reach the consumer.
    const deadline = Date.now() + 15_000;
    while (canary.missing().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await canary.stop();
    if (failure === undefined && canary.missing().length > 0) failure = `${canary.missing().length} acknowledged canary messages never reached the consumer`;
    if (failure === undefined && canary.progress.failures.length > 0) failure = `the canary failed: ${canary.progress.failures[0]}`;
  } catch (error) {
    failure ??= `the fuzz run could not go on: ${(error as Error).message}`;
  } finally {
    clearInterval(sampler);
  }
  const final = report();
  final.brokerExitCode = node.running ? await node.stop() : null;
  if (final.failure === undefined && final.brokerExitCode !== 0) final.failure = `the broker did not shut down cleanly (exit code ${final.brokerExitCode})`;
  if (final.failure === undefined) await node.destroy();
  return final;
}

async function checkHealth(
  node: BrokerProcess,
  target: TargetTopic,
  canary: Canary,
  progress: { acknowledged: number; received: number; ackedAt: number; receivedAt: number },
  rss: { mb: number }[],
  maxRssMb: number,
): Promise<string | undefined> {
  if (!node.running) return `the broker died\n${node.logTail(20)}`;
  const latest = rss.at(-1)?.mb;
  if (latest !== undefined && latest > maxRssMb) return `the broker's resident memory reached ${latest} MB, over the limit of ${maxRssMb} MB`;
  let client: WireClient | undefined;
  try {
    client = await WireClient.connect({ host: '127.0.0.1', port: node.port, connectTimeoutMs: 5000, requestTimeoutMs: 5000 });
    await client.negotiateVersions();
    const metadata = await client.send(ApiKey.Metadata, 12, {
      topics: [{ name: target.name }, { name: CANARY_TOPIC }],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    if (metadata.topics.some((t) => t.errorCode !== ErrorCode.NONE || t.partitions.some((p) => p.leaderId < 0)))
      return 'Metadata shows a topic without a leader';
    const offsets = await client.send(ApiKey.ListOffsets, 7, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: target.name, partitions: target.acknowledged.map((_, partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp: -1n })) }],
    });
    for (const p of offsets.topics[0]!.partitions) {
      const expected = target.acknowledged[p.partitionIndex]!;
      if (p.errorCode !== ErrorCode.NONE || p.offset !== expected) {
        return `${target.name}-${p.partitionIndex} ends at ${p.offset} (error ${p.errorCode}) but only ${expected} records were acknowledged to it: something refused was stored`;
      }
    }
  } catch (error) {
    return `a fresh client got no answer: ${(error as Error).message}`;
  } finally {
    await client?.close();
  }
  const now = Date.now();
  if (canary.progress.failures.length > 0) return `the canary failed: ${canary.progress.failures[0]}`;
  if (canary.progress.acknowledged > progress.acknowledged) Object.assign(progress, { acknowledged: canary.progress.acknowledged, ackedAt: now });
  if (canary.progress.received > progress.received) Object.assign(progress, { received: canary.progress.received, receivedAt: now });
  if (now - progress.ackedAt > STALL_MS) return `the canary producer has had no acknowledgement for ${now - progress.ackedAt} ms`;
  if (now - progress.receivedAt > STALL_MS) return `the canary consumer has received nothing for ${now - progress.receivedAt} ms`;
  return undefined;
}

async function createTopic(client: WireClient, name: string, numPartitions: number, configs: Record<string, string>): Promise<void> {
  const response = await client.send(ApiKey.CreateTopics, 7, {
    topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    timeoutMs: 10_000,
    validateOnly: false,
  });
  const topic = response.topics[0]!;
  if (topic.errorCode !== ErrorCode.NONE) throw new Error(`CreateTopics ${name}: error ${topic.errorCode} ${topic.errorMessage}`);
}

function residentMb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

function memoryReport(samples: readonly { at: number; mb: number }[]): MemoryReport {
  if (samples.length === 0) return { samples: 0, startMb: 0, maxMb: 0, endMb: 0, slopeMbPerMinute: 0 };
  const half = samples.slice(Math.floor(samples.length / 2));
  const t0 = half[0]!.at;
  const xs = half.map((s) => (s.at - t0) / 60_000);
  const ys = half.map((s) => s.mb);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const sxy = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0);
  return {
    samples: samples.length,
    startMb: samples[0]!.mb,
    maxMb: Math.max(...samples.map((s) => s.mb)),
    endMb: samples.at(-1)!.mb,
    slopeMbPerMinute: sxx === 0 ? 0 : Math.round((sxy / sxx) * 100) / 100,
  };
}
