import { resolve } from 'node:path';
import { onInterrupt } from '../cli/interrupt.js';
import { newRunId } from '../cli/run-command.js';
import { HarnessError } from '../errors.js';
import { log } from '../log.js';
import { provisionKafka } from '../provision/kafka.js';
import { provisionToxiproxy } from '../provision/toxiproxy.js';
import type { BrokerKind, Cluster } from '../runtime/cluster.js';
import type { RuntimeKind } from '../runtime/start-cluster.js';
import { loadCatalogue, selectScenarios } from './catalogue.js';
import { loadKafkajs, projectKafkajsVersion } from './kafkajs-versions.js';
import { matrixText, writeMatrix } from './matrix.js';
import { compatExitCode, runCompat } from './runner.js';

/**
 * Three nodes by default: with one node every partition leader, the group coordinator and the
 * controller are the same broker, so a client that sends a request to the wrong node, or a broker
 * that cannot redirect it, goes unnoticed, and acks=all waits for no follower. Three nodes cost
 * about five seconds more start-up, a small part of the suite.
 */
export const DEFAULT_COMPAT_NODES = 3;

export interface CompatCommandOptions {
  brokers: BrokerKind[];
  /** Comma-separated kafkajs releases; default the project's own kafkajs. */
  kafkajs?: string;
  scenarios: string[];
  nodes?: number;
  kafkaVersion?: string;
  /** key=value server.properties settings for every node. */
  brokerConfig: string[];
  runtime: RuntimeKind;
  out: string;
}

export function parseBrokerConfig(settings: string[]): Record<string, string> {
  const config: Record<string, string> = {};
  for (const setting of settings) {
    const eq = setting.indexOf('=');
    if (eq <= 0) throw new HarnessError(`--broker-config: expected key=value, got "${setting}"`);
    config[setting.slice(0, eq).trim()] = setting.slice(eq + 1).trim();
  }
  return config;
}

/** `kafka-chaos compat`: exit 0 when every scenario passed on every broker, 1 when one failed, 2 on a harness error. */
export async function compatCommand(options: CompatCommandOptions): Promise<number> {
  const versions = (options.kafkajs ?? projectKafkajsVersion())
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (versions.length === 0) throw new HarnessError('--kafkajs: name at least one release, e.g. 1.16.0,2.2.4');
  const releases = versions.map((v) => loadKafkajs(v));
  const scenarios = selectScenarios(await loadCatalogue(), options.scenarios);
  const nodes = options.nodes ?? DEFAULT_COMPAT_NODES;
  if (nodes < 1) throw new HarnessError('--nodes: a cluster needs at least one node');
  const brokerConfig = parseBrokerConfig(options.brokerConfig);
  // Missing tools fail the whole run up front, with one clear message. The Java clients need
  // Kafka's jars whichever broker is tested.
  if (options.runtime === 'process') {
    await provisionKafka(options.kafkaVersion);
    provisionToxiproxy();
  }
  const runDir = resolve(options.out, `compat-${newRunId()}`);
  log.info({ dir: runDir, scenarios: scenarios.length, kafkajs: versions, brokers: options.brokers, nodes }, 'compat run started');

  let current: Cluster | undefined;
  const unregister = onInterrupt(async () => {
    await current?.close();
  });
  try {
    const report = await runCompat({
      brokers: options.brokers,
      releases,
      scenarios,
      nodes,
      brokerConfig,
      runtime: options.runtime,
      runDir,
      onCluster: (c) => (current = c),
      ...(options.kafkaVersion !== undefined ? { kafkaVersion: options.kafkaVersion } : {}),
    });
    const files = writeMatrix(runDir, report);
    process.stdout.write(`${matrixText(report)}\n\nmatrix: ${files.json}\n        ${files.markdown}\n`);
    return compatExitCode(report);
  } finally {
    unregister();
  }
}
