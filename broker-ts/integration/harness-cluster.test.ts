// broker-ts started by the harness exactly as it starts Kafka (server.properties with CLIENT, REPL,
// CONTROLLER and HARNESS listeners behind toxiproxy), serving kafkajs through the proxies.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCluster } from '../../harness/runtime/start-cluster.js';
import type { Cluster } from '../../harness/runtime/cluster.js';
import { kafkaClient } from '../testing/kafkajs.js';

const logDir = mkdtempSync(join(tmpdir(), 'broker-ts-harness-'));
let cluster: Cluster | undefined;

afterAll(async () => {
  await cluster?.close();
  rmSync(logDir, { recursive: true, force: true });
});

describe('broker-ts under the harness', () => {
  it('starts one node behind toxiproxy and serves kafkajs through the client proxy', async () => {
    cluster = await startCluster({ broker: 'broker-ts', nodes: 1, logDir: join(logDir, 'one') });
    const [bootstrap] = cluster.bootstrapServers();
    const kafka = kafkaClient(bootstrap!);
    const admin = kafka.admin();
    await admin.connect();
    const described = await admin.describeCluster();
    // Clients are told the proxy address, not the node's own port.
    expect(described.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: Number(bootstrap!.split(':')[1]) }]);
    await admin.createTopics({ topics: [{ topic: 'proxied', numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    const sent = await producer.send({ topic: 'proxied', acks: -1, messages: [{ value: 'through toxiproxy' }] });
    expect(sent[0]!.errorCode).toBe(0);
    await producer.disconnect();

    // The harness listener advertises itself, unproxied.
    const harness = kafkaClient(cluster.harnessServers()[0]!).admin();
    await harness.connect();
    const direct = await harness.describeCluster();
    expect(direct.brokers[0]!.port).toBe(Number(cluster.harnessServers()[0]!.split(':')[1]));
    expect((await harness.fetchTopicOffsets('proxied'))[0]!.high).toBe('1');
    await harness.disconnect();
    await admin.disconnect();
    await cluster.close();
    cluster = undefined;
  });
});
