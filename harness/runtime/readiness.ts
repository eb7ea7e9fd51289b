// When a starting cluster is ready, for every runtime alike: the brokers registered, as a client
// sees them through the client proxies (an admin's DescribeCluster lists `expected` of them), with
// the cluster's security. Between attempts the runtime checks that no node died during start-up;
// when time runs out, the error carries the last lines of every node's main log.
import { existsSync, readFileSync } from 'node:fs';
import { kafkaClient } from '../clients/kafkajs.js';
import { HarnessError, errorMessage } from '../errors.js';
import { pollUntil } from '../wait.js';
import type { Cluster } from './cluster.js';

export interface Readiness {
  expected: number;
  timeoutMs: number;
  /** Throws (a HarnessError naming the node and its log) when a node exited during start-up. */
  checkNodes(): Promise<void>;
  /** Each node's main log, for the error when the cluster never gets ready. */
  mainLogs(): { id: number; file: string }[];
}

/** Resolves once `cluster` is ready; throws when a node died or time ran out. */
export async function waitUntilRegistered(cluster: Pick<Cluster, 'broker' | 'bootstrapServers' | 'clientSecurity'>, readiness: Readiness): Promise<void> {
  const admin = kafkaClient(
    'kafka-chaos-ready',
    cluster.bootstrapServers(),
    { connectionTimeout: 1000, requestTimeout: 2000, retry: { retries: 0 } },
    cluster.clientSecurity,
  ).admin();
  let lastError = 'no answer yet';
  try {
    const ready = await pollUntil(
      async () => {
        await readiness.checkNodes();
        try {
          await admin.connect();
          const { brokers } = await admin.describeCluster();
          lastError = `${brokers.length} of ${readiness.expected} nodes registered`;
          return brokers.length >= readiness.expected;
        } catch (err) {
          lastError = errorMessage(err);
          await admin.disconnect().catch(() => {});
          return false;
        }
      },
      { timeoutMs: readiness.timeoutMs },
    );
    if (ready) return;
  } finally {
    await admin.disconnect().catch(() => {});
  }
  const logs = readiness
    .mainLogs()
    .map(({ id, file }) => `--- node ${id}: ${file}\n${tail(file, 15)}`)
    .join('\n');
  throw new HarnessError(`${cluster.broker} cluster not ready after ${readiness.timeoutMs} ms (${lastError}).\n${logs}`);
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 30): string {
  if (!existsSync(file)) return '(no log written)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
