import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ClusterObserver } from '../clients/observer.js';
import type { BrokerKind, Cluster } from '../runtime/cluster.js';
import { startCluster } from '../runtime/start-cluster.js';
import { REPO_ROOT } from '../runtime/supervisor.js';
import { loadCatalogue } from './catalogue.js';
import { DEFAULT_COMPAT_NODES } from './command.js';
import { loadKafkajs } from './kafkajs-versions.js';
import { runScenario } from './run-scenario.js';

const catalogue = await loadCatalogue();
const brokerTsMissing = !existsSync(join(REPO_ROOT, 'broker-ts', 'main.ts'));

/**
 * The whole catalogue, one test per scenario, with the project's kafkajs. Every scenario must
 * pass on both brokers: that is what "compatible" means here, so a broker-ts failure is a test
 * failure, not a softened expectation.
 */
function suiteOn(broker: BrokerKind, nodes: number): void {
  let logDir: string;
  let cluster: Cluster;
  let observer: ClusterObserver;
  const kafkajs = loadKafkajs();

  beforeAll(async () => {
    logDir = mkdtempSync(join(tmpdir(), `kafka-chaos-compat-${broker}-`));
    cluster = await startCluster({ broker, nodes, logDir });
    observer = new ClusterObserver(cluster);
  });

  afterAll(async () => {
    await observer?.close();
    await cluster?.close();
    if (logDir && !process.env.KEEP_TEST_LOGS) rmSync(logDir, { recursive: true, force: true });
  });

  // One scenario at a time on a cluster; the suites of the three clusters run side by side.
  for (const scenario of catalogue) {
    // A scenario that means something only on more nodes (an election among replicas) is skipped
    // on the one-node cluster, as `kafka-chaos compat --nodes 1` skips it.
    const tooFewNodes = (scenario.needs?.nodes ?? 1) > nodes;
    (tooFewNodes ? it.skip : it.sequential)(
      `${scenario.name}: ${scenario.title}${tooFewNodes ? ` (needs ${scenario.needs!.nodes} nodes)` : ''}`,
      // The three clusters run side by side (below): assertions use the test's own expect.
      async ({ expect }) => {
        const result = await runScenario(scenario, { cluster, observer, kafkajs, workDir: join(logDir, 'scenarios', scenario.name) });
        // The reason is the assertion message, so a failure says what the scenario found.
        expect(result.verdict, result.reason).toBe('pass');
      },
      (scenario.timeoutMs ?? 60_000) + 30_000,
    );
  }
}

const skipReason = brokerTsMissing ? ' — skipped: broker-ts/main.ts does not exist yet' : '';

// The three clusters run side by side, each suite's scenarios one after another: a scenario is
// mostly clients waiting on a broker (the suites one after another kept 0.6 of a core busy, side
// by side 1.1, and took 80 s instead of 150).
describe('compat catalogue', () => {
  // The topology `kafka-chaos compat` uses by default.
  describe.concurrent(`on Apache Kafka (${DEFAULT_COMPAT_NODES} nodes, kafkajs ${loadKafkajs().version})`, () => suiteOn('kafka', DEFAULT_COMPAT_NODES));

  describe.skipIf(brokerTsMissing).concurrent(`on broker-ts (${DEFAULT_COMPAT_NODES} nodes)${skipReason}`, () => suiteOn('broker-ts', DEFAULT_COMPAT_NODES));

  // One node as well: where every request meets the same broker, a failure points at the API
  // itself rather than at routing between nodes.
  describe.skipIf(brokerTsMissing).concurrent(`on broker-ts (1 node)${skipReason}`, () => suiteOn('broker-ts', 1));
});
