// Three broker-ts processes started by the harness exactly as it starts Kafka (every listener behind
// toxiproxy, one controller proxy per pair of nodes): failover, ISR shrink and expansion, the
// acks=all errors, truncation of a replaced leader's suffix, controller failover, and the group
// coordinator and idempotent producer surviving the loss of their node.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeQuorum } from '../../harness/clients/quorum.js';
import type { Cluster } from '../../harness/runtime/cluster.js';
import { startCluster } from '../../harness/runtime/start-cluster.js';
import { ApiKey, ErrorCode, WireClient } from '@kafka-chaos/protocol';
import { eventually, kafkaClient } from '../testing/kafkajs.js';

const logDir = mkdtempSync(join(tmpdir(), 'broker-ts-replicated-'));
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
  kafka = kafkaClient(cluster.harnessServers().join(','), { brokers: cluster.harnessServers() });
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await cluster?.close();
  rmSync(logDir, { recursive: true, force: true });
});

/**
 * Leader, ISR and replicas as a running, unpaused node reports them (Metadata over its harness
 * listener); `askNode` asks that node only (nodes apply committed metadata at slightly different times).
 */
async function partitionState(topic: string, partition = 0, askNode?: number) {
  let last: unknown;
  for (const id of askNode === undefined ? cluster.nodeIds() : [askNode]) {
    if (cluster.node(id).state !== 'running') continue;
    const [host, port] = cluster.node(id).harnessAddress.split(':') as [string, string];
    let client: WireClient | undefined;
    try {
      client = await WireClient.connect({ host, port: Number(port), requestTimeoutMs: 3000, connectTimeoutMs: 1000 });
      const response = await client.send(ApiKey.Metadata, 12, {
        topics: [{ name: topic, topicId: undefined }],
        allowAutoTopicCreation: false,
        includeTopicAuthorizedOperations: false,
      });
      const p = response.topics[0]?.partitions.find((x) => x.partitionIndex === partition);
      if (p === undefined) throw new Error(`no partition ${topic}-${partition} in node ${id}'s metadata`);
      return { leader: p.leaderId, isr: [...p.isrNodes].sort(), replicas: [...p.replicaNodes] };
    } catch (error) {
      last = error;
    } finally {
      await client?.close();
    }
  }
  throw last instanceof Error ? last : new Error('no running node answered');
}

/** Starts a node again and waits until the cluster lists it as a live broker. */
async function restart(id: number): Promise<void> {
  await cluster.start(id);
  await eventually(
    async () => {
      const [host, port] = cluster.node(id).harnessAddress.split(':') as [string, string];
      const client = await WireClient.connect({ host, port: Number(port), requestTimeoutMs: 3000, connectTimeoutMs: 1000 }).catch(() => undefined);
      if (client === undefined) return 0;
      try {
        return (await client.send(ApiKey.Metadata, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).brokers.length;
      } catch {
        return 0;
      } finally {
        await client.close();
      }
    },
    (brokers) => brokers === 3,
    30_000,
  );
}

async function createTopic(topic: string, config: Record<string, string> = {}): Promise<void> {
  await admin.createTopics({
    topics: [{ topic, numPartitions: 1, replicationFactor: 3, configEntries: Object.entries(config).map(([name, value]) => ({ name, value })) }],
  });
  await eventually(
    () => partitionState(topic).catch(() => ({ leader: -1, isr: [] as number[], replicas: [] as number[] })),
    (s) => s.leader > 0 && s.isr.length === 3,
  );
}

async function readAll(topic: string, expected: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}` });
  const values: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
  await eventually(
    () => values.length,
    (n) => n >= expected,
    30_000,
  );
  await consumer.disconnect();
  return values;
}

async function produceErrorCode(leader: number, topic: string, timeoutMs = 2000): Promise<number> {
  const [host, port] = cluster.node(leader).harnessAddress.split(':') as [string, string];
  const client = await WireClient.connect({ host, port: Number(port) });
  try {
    const { encodeRecordBatch } = await import('@kafka-chaos/protocol');
    const response = await client.send(ApiKey.Produce, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs,
      topicData: [{ name: topic, partitionData: [{ index: 0, records: encodeRecordBatch([{ key: null, value: Buffer.from('x') }]) }] }],
    });
    return response.responses[0]!.partitionResponses[0]!.errorCode;
  } finally {
    await client.close();
  }
}

async function findCoordinator(groupId: string): Promise<number> {
  const running = cluster.nodeIds().find((id) => cluster.node(id).state === 'running')!;
  const [host, port] = cluster.node(running).harnessAddress.split(':') as [string, string];
  const client = await WireClient.connect({ host, port: Number(port) });
  try {
    const response = await client.send(ApiKey.FindCoordinator, 3, { key: groupId, keyType: 0 });
    return response.nodeId!;
  } finally {
    await client.close();
  }
}

describe('a three-node broker-ts cluster', () => {
  it('is ready quickly and reports its metadata quorum', async () => {
    // Generous: a loaded two-core machine starts three Node.js processes slowly; result.json records the real figure.
    expect(cluster.timings.startupMs).toBeLessThan(15_000);
    const quorum = await describeQuorum(cluster);
    expect(quorum.voters.sort()).toEqual([1, 2, 3]);
    expect(quorum.leaderId).toBeGreaterThan(0);
  });

  it('replicates through incremental fetch sessions: each follower opens one per leader and keeps it', async () => {
    await admin.createTopics({ topics: [{ topic: 'sessions', numPartitions: 6, replicationFactor: 3 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 50; i++)
      await producer.send({ topic: 'sessions', acks: -1, messages: Array.from({ length: 6 }, (_, p) => ({ partition: p, value: `m${i}` })) });
    await producer.disconnect();
    const opened = (id: number) =>
      readFileSync(join(logDir, `node-${id}`, 'server.log'), 'utf8')
        .split('\n')
        .filter((line) => line.includes('fetch session with the leader opened'))
        .map((line) => (JSON.parse(line) as { leader: number }).leader);
    for (const id of cluster.nodeIds()) {
      const leaders = opened(id);
      // Every other node leads partitions of 'sessions', so each follower holds a session with it.
      expect(new Set(leaders), `node ${id}`).toEqual(new Set(cluster.nodeIds().filter((other) => other !== id)));
      // 300 acks=all writes needed hundreds of fetches: had incremental fetches been refused, each
      // refusal would have opened a session again.
      for (const leader of new Set(leaders)) expect(leaders.filter((l) => l === leader).length, `node ${id} with leader ${leader}`).toBeLessThanOrEqual(2);
    }
  });

  it('takes writes to partitions just added on a leader still opening their logs, storing each once', async () => {
    // The image shows new partitions as soon as the records are read, while their logs open
    // asynchronously: a produce refused in that gap had its other partitions appended, and the
    // client's retry stored those twice (2 of 30 to 5 of 20 attempts in probes, before the leader
    // waited).
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 10; i++) {
      const topic = `grown-${i}`;
      await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 3 }], waitForLeaders: true });
      await admin.createPartitions({ topicPartitions: [{ topic, count: 5 }] });
      await eventually(
        () => admin.fetchTopicMetadata({ topics: [topic] }),
        ({ topics }) => topics[0]?.partitions.length === 5 && topics[0].partitions.every((p) => p.leader >= 0),
        15_000,
      );
      await producer.send({ topic, acks: -1, messages: [0, 1, 2, 3, 4].map((partition) => ({ partition, value: `to-${partition}` })) });
      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets.map((o) => [o.partition, o.high]).sort(), topic).toEqual([0, 1, 2, 3, 4].map((p) => [p, '1']));
    }
    await producer.disconnect();
  });

  it('fails over when the leader is killed, losing no acknowledged acks=all write', async () => {
    await createTopic('failover');
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 50; i++) await producer.send({ topic: 'failover', acks: -1, messages: [{ value: `before-${i}` }] });
    const { leader } = await partitionState('failover');
    await cluster.kill(leader);
    const next = await eventually(
      () => partitionState('failover'),
      (s) => s.leader > 0 && s.leader !== leader,
      20_000,
    );
    expect(next.isr).not.toContain(leader);
    for (let i = 0; i < 50; i++) await producer.send({ topic: 'failover', acks: -1, messages: [{ value: `after-${i}` }] });
    await producer.disconnect();
    await restart(leader);
    // The restarted replica catches up and joins the ISR again.
    await eventually(
      () => partitionState('failover'),
      (s) => s.isr.length === 3,
      30_000,
    );
    const values = await readAll('failover', 100);
    expect(new Set(values).size).toBe(100);
  });

  it('shrinks the ISR when a follower stops fetching, refuses acks=all below min.insync.replicas, and expands it again', async () => {
    await createTopic('isr', { 'min.insync.replicas': '3' });
    const { leader, replicas } = await partitionState('isr');
    const follower = replicas.find((id) => id !== leader)!;
    await cluster.pause(follower);
    try {
      // Waiting for the paused follower, the write sees the ISR shrink below the minimum, and the
      // high watermark stop there (Kafka 3.7+): it is never acknowledged, and times out.
      expect(await produceErrorCode(leader, 'isr', 10_000)).toBe(ErrorCode.REQUEST_TIMED_OUT);
      const shrunk = await eventually(
        () => partitionState('isr'),
        (s) => !s.isr.includes(follower),
        20_000,
      );
      expect(shrunk.isr).toHaveLength(2);
      expect(await produceErrorCode(leader, 'isr')).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
    } finally {
      await cluster.resume(follower);
    }
    // The leader's own view, which its min.insync.replicas check uses.
    await eventually(
      () => partitionState('isr', 0, leader),
      (s) => s.isr.length === 3,
      30_000,
    );
    expect(await produceErrorCode(leader, 'isr')).toBe(ErrorCode.NONE);
  });

  it('times acks=all out when the ISR cannot replicate, and the replaced leader truncates its unacknowledged suffix', async () => {
    await createTopic('truncation');
    const { leader } = await partitionState('truncation');
    // The leader loses its followers (they cannot fetch from it) but stays in their ISR for a while.
    for (const proxy of cluster.node(leader).proxies.replication) await cluster.toxiproxy.setEnabled(proxy, false);
    try {
      // Shorter than replica.lag.time.max.ms: the ISR does not shrink, the write is never committed.
      expect(await produceErrorCode(leader, 'truncation', 800)).toBe(ErrorCode.REQUEST_TIMED_OUT);
      await cluster.kill(leader);
    } finally {
      for (const proxy of cluster.node(leader).proxies.replication) await cluster.toxiproxy.setEnabled(proxy, true);
    }
    await eventually(
      () => partitionState('truncation'),
      (s) => s.leader > 0 && s.leader !== leader,
      20_000,
    );
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 20; i++) await producer.send({ topic: 'truncation', acks: -1, messages: [{ value: `new-${i}` }] });
    await producer.disconnect();
    await restart(leader);
    await eventually(
      () => partitionState('truncation'),
      (s) => s.isr.length === 3,
      30_000,
    );
    const log = readFileSync(join(logDir, `node-${leader}`, 'server.log'), 'utf8');
    expect(log).toMatch(/truncating a log that diverged from the leader/);
    expect(await readAll('truncation', 20)).toEqual(Array.from({ length: 20 }, (_, i) => `new-${i}`));
  });

  it('elects a new active controller when the active one is killed, and creates topics meanwhile', async () => {
    const before = await describeQuorum(cluster);
    await cluster.kill(before.leaderId);
    try {
      const after = await eventually(
        () => describeQuorum(cluster).catch(() => ({ leaderId: -1, leaderEpoch: -1, voters: [] })),
        (q) => q.leaderId > 0 && q.leaderId !== before.leaderId,
        15_000,
      );
      expect(after.leaderEpoch).toBeGreaterThan(before.leaderEpoch);
      // kafkajs may still pick the dead node as controller until its metadata says otherwise: retry.
      await eventually(
        () =>
          admin.createTopics({ topics: [{ topic: 'while-controller-down', numPartitions: 2, replicationFactor: 2 }] }).then(
            () => true,
            (error: { type?: string }) => error.type === 'TOPIC_ALREADY_EXISTS',
          ),
        (created) => created,
        15_000,
      );
      // Until its session times out the dead node is still a registered, unfenced broker, so it may
      // be given leaderships (as Kafka's controller would); fencing then moves them to live nodes.
      await eventually(
        () => partitionState('while-controller-down').catch(() => ({ leader: -1, isr: [] as number[], replicas: [] as number[] })),
        (s) => s.leader > 0 && s.leader !== before.leaderId,
        20_000,
      );
    } finally {
      await restart(before.leaderId);
    }
    await eventually(
      async () => (await admin.describeCluster()).brokers.length,
      (n) => n === 3,
      20_000,
    );
  });

  it('keeps committed offsets and idempotent producer state when the coordinator and leader are lost', async () => {
    await createTopic('survivors');
    // Retries enough to outlast a failover (the dead node's session timeout, and a controller
    // election when it was the active controller), as kafkajs's defaults would.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } });
    await producer.connect();
    for (let i = 0; i < 30; i++) await producer.send({ topic: 'survivors', messages: [{ value: `m-${i}` }] });
    const groupId = 'survivor-group';
    const consumer = kafka.consumer({ groupId });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'survivors', fromBeginning: true });
    await consumer.run({ autoCommit: false, eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await eventually(
      () => seen.length,
      (n) => n >= 30,
    );
    await consumer.commitOffsets([{ topic: 'survivors', partition: 0, offset: '30' }]);
    await consumer.disconnect();

    const coordinator = await findCoordinator(groupId);
    await cluster.kill(coordinator);
    try {
      for (let i = 30; i < 60; i++) await producer.send({ topic: 'survivors', messages: [{ value: `m-${i}` }] });
      await producer.disconnect();
      const offsets = await eventually(
        () => admin.fetchOffsets({ groupId, topics: ['survivors'] }).catch(() => []),
        (r) => r.length > 0 && r[0]!.partitions[0]!.offset === '30',
        30_000,
      );
      expect(offsets[0]!.partitions[0]!.offset).toBe('30');
    } finally {
      await restart(coordinator);
    }
    const values = await readAll('survivors', 60);
    expect(values.length).toBe(60);
    expect(new Set(values).size).toBe(60);
  });
});
