// Transactions on a three-node broker-ts cluster started by the harness: the transaction
// coordinator's node is killed with kill -9 while a kafkajs transaction is open, and the
// coordinator that takes over (the new leader of the __transaction_state partition) reloads the
// state from the replicated log, so the transaction still commits, with its offsets, and the
// transactional id keeps its producer id and fencing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../harness/runtime/cluster.js';
import { startCluster } from '../../harness/runtime/start-cluster.js';
import { ApiKey, ErrorCode, WireClient } from '@kafka-chaos/protocol';
import { eventually, kafkaClient } from '../testing/kafkajs.js';

const logDir = mkdtempSync(join(tmpdir(), 'broker-ts-txn-cluster-'));
let cluster: Cluster;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  cluster = await startCluster({
    broker: 'broker-ts',
    nodes: 3,
    logDir,
    brokerConfig: { 'replica.lag.time.max.ms': '1500', 'min.insync.replicas': '2' },
  });
  kafka = kafkaClient(cluster.harnessServers().join(','), {
    brokers: cluster.harnessServers(),
    retry: { retries: 12, initialRetryTime: 200, maxRetryTime: 2000 },
  });
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await cluster?.close();
  rmSync(logDir, { recursive: true, force: true });
});

async function withRunningNode<T>(action: (client: WireClient) => Promise<T>): Promise<T> {
  const running = cluster.nodeIds().find((id) => cluster.node(id).state === 'running')!;
  const [host, port] = cluster.node(running).harnessAddress.split(':') as [string, string];
  const client = await WireClient.connect({ host, port: Number(port), requestTimeoutMs: 5000 });
  try {
    return await action(client);
  } finally {
    await client.close();
  }
}

async function transactionCoordinator(transactionalId: string): Promise<number> {
  return withRunningNode(async (client) => {
    const response = await client.send(ApiKey.FindCoordinator, 3, { key: transactionalId, keyType: 1 });
    if (response.errorCode !== ErrorCode.NONE) throw new Error(`FindCoordinator: error ${response.errorCode}`);
    return response.nodeId!;
  });
}

async function readCommitted(topic: string, expected: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}`, maxWaitTimeInMs: 200 });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
    await eventually(
      () => values.length,
      (n) => n >= expected,
      30_000,
    );
    // Anything aborted would come before the last committed record: give stragglers a moment.
    await new Promise((resolve) => setTimeout(resolve, 500));
    return values;
  } finally {
    await consumer.disconnect();
  }
}

describe('transactions on a three-node broker-ts cluster', () => {
  it('survives kill -9 of the transaction coordinator: an open transaction still commits, with its offsets', async () => {
    await admin.createTopics({ topics: [{ topic: 'txn-failover', numPartitions: 2, replicationFactor: 3 }], waitForLeaders: true });
    const transactionalId = 'failover-txn';
    const groupId = 'failover-group';
    const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const first = await producer.transaction();
      await first.send({ topic: 'txn-failover', messages: [0, 1].map((i) => ({ partition: i, value: `before-${i}` })) });
      await first.commit();
      const aborted = await producer.transaction();
      await aborted.send({ topic: 'txn-failover', messages: [{ partition: 0, value: 'aborted' }] });
      await aborted.abort();

      const open = await producer.transaction();
      await open.send({ topic: 'txn-failover', messages: [0, 1].map((i) => ({ partition: i, value: `across-${i}` })) });
      await open.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: 'txn-failover', partitions: [{ partition: 0, offset: '5' }] }] });

      const coordinator = await transactionCoordinator(transactionalId);
      await cluster.kill(coordinator);
      // kafkajs finds the new coordinator (NOT_COORDINATOR, then FindCoordinator), which knows the open transaction.
      await open.commit();
      const successor = await eventually(
        () => transactionCoordinator(transactionalId).catch(() => -1),
        (id) => id > 0 && id !== coordinator,
        30_000,
      );
      expect(successor).not.toBe(coordinator);

      const offsets = await eventually(
        () => admin.fetchOffsets({ groupId, topics: ['txn-failover'] }).catch(() => []),
        (r) => r.length > 0 && r[0]!.partitions.find((p) => p.partition === 0)?.offset === '5',
        30_000,
      );
      expect(offsets[0]!.partitions.find((p) => p.partition === 0)!.offset).toBe('5');
      const values = await readCommitted('txn-failover', 4);
      expect(values.sort()).toEqual(['across-0', 'across-1', 'before-0', 'before-1']);

      await cluster.start(coordinator);
    } finally {
      await producer.disconnect().catch(() => undefined);
    }

    // The transactional id kept its producer state across the failover: a new incarnation fences the old one.
    const zombie = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    const newcomer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    await zombie.connect();
    await newcomer.connect();
    try {
      const zombieTxn = await zombie.transaction();
      await zombieTxn.send({ topic: 'txn-failover', messages: [{ partition: 1, value: 'zombie' }] });
      const newTxn = await newcomer.transaction();
      await expect(zombieTxn.commit()).rejects.toThrow(/epoch|fenced/i);
      await newTxn.send({ topic: 'txn-failover', messages: [{ partition: 1, value: 'newcomer' }] });
      await newTxn.commit();
      const values = await readCommitted('txn-failover', 5);
      expect(values.sort()).toEqual(['across-0', 'across-1', 'before-0', 'before-1', 'newcomer']);
    } finally {
      await zombie.disconnect().catch(() => undefined);
      await newcomer.disconnect().catch(() => undefined);
    }
  });
});
