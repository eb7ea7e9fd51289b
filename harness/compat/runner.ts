import { join } from 'node:path';
import { ClusterObserver } from '../clients/observer.js';
import { errorMessage } from '../errors.js';
import { log } from '../log.js';
import type { BrokerKind, Cluster } from '../runtime/cluster.js';
import { startCluster, type RuntimeKind } from '../runtime/start-cluster.js';
import type { KafkajsRelease } from './kafkajs-versions.js';
import { runScenario, type ScenarioResult } from './run-scenario.js';
import type { CompatScenario } from './scenario.js';

export interface CompatOptions {
  brokers: BrokerKind[];
  releases: KafkajsRelease[];
  scenarios: CompatScenario[];
  nodes: number;
  kafkaVersion?: string;
  brokerConfig?: Record<string, string>;
  runtime?: RuntimeKind;
  /** Cluster logs and scenario files go under it. */
  runDir: string;
  /** Called with each cluster once it is up, and with undefined once it is closed (for Ctrl-C). */
  onCluster?: (cluster: Cluster | undefined) => void;
}

/** One broker's column group: the cluster every scenario ran on, or why there was none. */
export interface BrokerRun {
  broker: BrokerKind;
  brokerVersion?: string;
  nodes: number;
  startupMs?: number;
  /** The harness could not run this broker's scenarios (the cluster did not start). */
  error?: string;
  logs: string;
}

export interface CompatReport {
  startedAt: string;
  durationMs: number;
  nodes: number;
  runtime: RuntimeKind;
  brokerConfig: Record<string, string>;
  kafkajs: string[];
  scenarios: { name: string; title: string }[];
  brokers: BrokerRun[];
  results: ScenarioResult[];
}

/**
 * One cluster per broker, shared by every scenario and kafkajs release: scenarios use topics and
 * groups of their own, so they cannot see each other, and a cluster starts once, not 25 times.
 */
export async function runCompat(options: CompatOptions): Promise<CompatReport> {
  const started = performance.now();
  const report: CompatReport = {
    startedAt: new Date().toISOString(),
    durationMs: 0,
    nodes: options.nodes,
    runtime: options.runtime ?? 'process',
    brokerConfig: options.brokerConfig ?? {},
    kafkajs: options.releases.map((r) => r.version),
    scenarios: options.scenarios.map((s) => ({ name: s.name, title: s.title })),
    brokers: [],
    results: [],
  };
  for (const broker of options.brokers) {
    const brokerDir = join(options.runDir, broker);
    const run: BrokerRun = { broker, nodes: options.nodes, logs: join(brokerDir, 'cluster') };
    report.brokers.push(run);
    let cluster: Cluster;
    try {
      cluster = await startCluster({
        broker,
        nodes: options.nodes,
        logDir: run.logs,
        runtime: report.runtime,
        ...(options.brokerConfig ? { brokerConfig: options.brokerConfig } : {}),
        ...(options.kafkaVersion !== undefined && broker === 'kafka' ? { kafkaVersion: options.kafkaVersion } : {}),
      });
    } catch (err) {
      run.error = `the ${broker} cluster did not start: ${errorMessage(err)}`;
      log.error({ broker, err: errorMessage(err) }, 'compat: cluster did not start');
      continue;
    }
    options.onCluster?.(cluster);
    run.brokerVersion = cluster.brokerVersion;
    run.startupMs = cluster.timings.startupMs;
    const observer = new ClusterObserver(cluster);
    try {
      for (const release of options.releases) {
        for (const scenario of options.scenarios) {
          const result = await runScenario(scenario, {
            cluster,
            observer,
            kafkajs: release,
            workDir: join(brokerDir, `kafkajs-${release.version}`, scenario.name),
            ...(options.kafkaVersion !== undefined ? { kafkaVersion: options.kafkaVersion } : {}),
          });
          report.results.push(result);
          const line = { scenario: scenario.name, broker, kafkajs: release.version, verdict: result.verdict, ms: result.durationMs };
          if (result.verdict === 'pass') log.info(line, 'compat scenario passed');
          else log.warn({ ...line, reason: result.reason }, `compat scenario ${result.verdict === 'fail' ? 'failed' : 'skipped'}`);
        }
      }
    } finally {
      await observer.close();
      await cluster.close();
      options.onCluster?.(undefined);
    }
  }
  report.durationMs = Math.round(performance.now() - started);
  return report;
}

/** 0: every scenario passed (or was skipped) on every broker; 1: one failed; 2: the harness failed. */
export function compatExitCode(report: CompatReport): 0 | 1 | 2 {
  if (report.brokers.some((b) => b.error !== undefined)) return 2;
  if (report.results.some((r) => r.verdict === 'fail')) return 1;
  return 0;
}
