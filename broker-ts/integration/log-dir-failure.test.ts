// A full disk under one of two log dirs: its partitions go offline with KAFKA_STORAGE_ERROR, the
// other dir keeps serving (a kafkajs producer and consumer run throughout), and after space is
// freed a restart finds every acknowledged message. With no log dir left the broker halts, as Kafka
// does. A real full file system needs a small tmpfs, so this runs as root only.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode, WireClient, decodeRecordBatches } from '@kafka-chaos/protocol';
import { BrokerProcess } from '../testing/broker-process.js';
import { eventually, kafkaClient } from '../testing/kafkajs.js';
import { createTopic, produce } from '../testing/wire-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'broker-ts-full-disk-'));
const small = join(root, 'small');
const healthy = join(root, 'healthy');

function tryMount(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to mount a small tmpfs';
  try {
    mkdirSync(small, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', small]);
    return undefined;
  } catch (error) {
    return `cannot mount a tmpfs: ${(error as Error).message}`;
  }
}

const skip = tryMount();
const filler = join(small, 'filler');

/** Fills the small disk until only `leaveBytes` are free. */
function fillSmallDisk(leaveBytes: number): void {
  const { bavail, bsize } = statfsSync(small);
  writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - leaveBytes)));
}

afterAll(() => {
  if (skip === undefined) execFileSync('umount', ['-l', small]);
  rmSync(root, { recursive: true, force: true });
});

async function fetchPartition(client: WireClient, topic: string, offset = 0n) {
  const response = await client.send(ApiKey.Fetch, 12, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 50 * 1024 * 1024,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        partitions: [
          { partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 50 * 1024 * 1024 },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  });
  return response.responses[0]!.partitions[0]!;
}

describe.skipIf(skip !== undefined)(`a full log dir${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let node: BrokerProcess;

  beforeAll(async () => {
    mkdirSync(healthy, { recursive: true });
    node = await BrokerProcess.start({
      properties: {
        'log.dirs': `${small},${healthy}`,
        'metadata.log.dir': healthy,
        'log.index.size.max.bytes': '4096',
        'auto.create.topics.enable': 'false',
        'offsets.topic.num.partitions': '1',
      },
    });
  });

  afterAll(async () => {
    await node?.destroy();
  });

  it('takes the full dir offline with KAFKA_STORAGE_ERROR, keeps serving the other, and loses nothing acknowledged', async () => {
    const client = await connectTo(node);
    // The least loaded dir takes each new partition (ties go to the first dir): the group
    // coordinator's partition and the healthy topic land on the healthy disk, a spacer between them.
    await createTopic(client, 'on-small');
    const found = await client.send(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['healthy-readers'] });
    expect(found.coordinators?.[0]?.errorCode).toBe(ErrorCode.NONE);
    await createTopic(client, 'spacer');
    await createTopic(client, 'on-healthy');
    expect(existsSync(join(small, 'on-small-0'))).toBe(true);
    expect(existsSync(join(healthy, '__consumer_offsets-0'))).toBe(true);
    expect(existsSync(join(healthy, 'on-healthy-0'))).toBe(true);

    // kafkajs keeps producing to and consuming from the healthy dir the whole time.
    const kafka = kafkaClient(node.bootstrap);
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: 'healthy-readers', maxWaitTimeInMs: 100 });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: 'on-healthy', fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });

    // Fill the small disk to the last 600 KB, then write 64 KB batches until it is full.
    fillSmallDisk(600 * 1024);
    const acknowledged = new Map<bigint, string>();
    let failure: { errorCode: number } | undefined;
    for (let i = 0; i < 40 && failure === undefined; i++) {
      const value = `${i}:${'x'.repeat(64 * 1024)}`;
      const answer = await produce(client, 'on-small', 0, [{ value }], { acks: 1 });
      if (answer.errorCode === ErrorCode.NONE) acknowledged.set(answer.baseOffset, value);
      else failure = answer;
      await producer.send({ topic: 'on-healthy', acks: -1, messages: [{ value: `healthy-${i}` }] });
    }
    expect(failure?.errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect(acknowledged.size).toBeGreaterThan(2);

    // Offline: produce and fetch answer KAFKA_STORAGE_ERROR, Metadata lists the replica as offline.
    expect((await produce(client, 'on-small', 0, [{ value: 'more' }], { acks: 1 })).errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect((await fetchPartition(client, 'on-small')).errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    const metadata = await client.send(ApiKey.Metadata, 12, {
      topics: [{ name: 'on-small' }],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(metadata.topics[0]!.partitions[0]!.offlineReplicas).toEqual([1]);
    expect(node.log()).toMatch(/Stopped serving replicas in dir .*small/);

    // The healthy dir still takes writes, also of topics created now.
    await producer.send({ topic: 'on-healthy', acks: -1, messages: [{ value: 'after-failure' }] });
    await eventually(
      () => seen,
      (s) => s.includes('after-failure'),
    );
    await createTopic(client, 'created-after');
    expect(existsSync(join(healthy, 'created-after-0'))).toBe(true);
    await consumer.disconnect();
    await producer.disconnect();
    await client.close();

    // Space freed and the broker restarted: every acknowledged message is there, at its offset.
    expect(await node.stop()).toBe(0);
    rmSync(filler);
    await node.launch();
    const again = await connectTo(node);
    const partition = await fetchPartition(again, 'on-small');
    expect(partition.errorCode).toBe(ErrorCode.NONE);
    const stored = new Map(decodeRecordBatches(partition.records!).flatMap((b) => b.records.map((r) => [r.offset, r.value!.toString()] as const)));
    for (const [offset, value] of acknowledged) expect(stored.get(offset), `offset ${offset}`).toBe(value);
    expect((await produce(again, 'on-small', 0, [{ value: 'after-restart' }], { acks: -1 })).errorCode).toBe(ErrorCode.NONE);
    await again.close();
  }, 60_000);

  it('halts when no log dir is left, as Kafka does', async () => {
    rmSync(filler, { force: true });
    const lone = await BrokerProcess.start({ properties: { 'log.dirs': join(small, 'lone'), 'metadata.log.dir': join(healthy, 'lone-metadata') } });
    try {
      const client = await connectTo(lone);
      await createTopic(client, 'doomed');
      fillSmallDisk(100 * 1024);
      let code = 0;
      for (let i = 0; i < 10 && code === 0; i++) {
        code = await produce(client, 'doomed', 0, [{ value: 'y'.repeat(64 * 1024) }], { acks: 1 }).then(
          (answer) => answer.errorCode,
          () => -2,
        );
      }
      await eventually(
        () => lone.running,
        (running) => !running,
        10_000,
      );
      expect(lone.log()).toMatch(/Shutdown broker because all log dirs in .* have failed/);
      await client.close().catch(() => undefined);
    } finally {
      rmSync(filler, { force: true });
      await lone.destroy();
    }
  }, 60_000);
});

async function connectTo(node: BrokerProcess): Promise<WireClient> {
  const client = await WireClient.connect({ host: '127.0.0.1', port: node.port, requestTimeoutMs: 10_000 });
  await client.negotiateVersions();
  return client;
}
