import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { ClusterObserver } from '../clients/observer.js';
import type { Cluster } from '../runtime/cluster.js';
import { startCluster, type ClusterRequest } from '../runtime/start-cluster.js';
import { allGone } from './processes.js';

export interface SuiteCluster {
  /** Set once the suite's beforeAll has run. */
  readonly cluster: Cluster;
  readonly observer: ClusterObserver;
  readonly logDir: string;
}

/**
 * One cluster for the tests of a suite: started before them; after them closed, with a check that
 * none of the processes it started is left, and its logs removed unless KEEP_TEST_LOGS is set.
 */
export function suiteCluster(request: Omit<ClusterRequest, 'logDir'>, name: string): SuiteCluster {
  const suite = { logDir: mkdtempSync(join(tmpdir(), `kafka-chaos-${name}-`)) } as { cluster: Cluster; observer: ClusterObserver; logDir: string };
  const pids: number[] = [];
  beforeAll(async () => {
    suite.cluster = await startCluster({ ...request, logDir: suite.logDir });
    suite.observer = new ClusterObserver(suite.cluster);
    for (const id of suite.cluster.nodeIds()) pids.push(suite.cluster.node(id).pid!);
    pids.push(suite.cluster.toxiproxy.pid);
  });
  afterAll(async () => {
    await suite.observer?.close();
    await suite.cluster?.close();
    expect(await allGone(pids)).toBe(true);
    if (!process.env.KEEP_TEST_LOGS) rmSync(suite.logDir, { recursive: true, force: true });
  });
  return suite;
}
