import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';
import { createTopic, produce, values } from '../testing/wire-helpers.js';

let node: InProcessBroker;

beforeAll(async () => {
  node = await startInProcessBroker({});
  const client = await node.client();
  await createTopic(client, 'dirs', 2);
  await produce(client, 'dirs', 0, values(10));
});

afterAll(async () => {
  await node.stop();
});

describe('DescribeLogDirs', () => {
  it('lists the log dir, the replicas in it with their sizes, and the volume it is on', async () => {
    const client = await node.client();
    const response = await client.send(ApiKey.DescribeLogDirs, 4, { topics: [{ topic: 'dirs', partitions: [0, 1, 7] }] });
    expect(response.errorCode).toBe(ErrorCode.NONE);
    expect(response.results).toHaveLength(1);
    const [dir] = response.results;
    expect(dir!.errorCode).toBe(ErrorCode.NONE);
    expect([resolve(dir!.logDir), realpathSync(dir!.logDir)]).toContain(realpathSync(node.dataDir));
    expect(dir!.totalBytes).toBeGreaterThan(0n);
    expect(dir!.usableBytes).toBeGreaterThan(0n);
    expect(dir!.usableBytes).toBeLessThanOrEqual(dir!.totalBytes!);
    // Partition 7 does not exist: it is left out, as Kafka leaves it out.
    expect(dir!.topics).toEqual([
      {
        name: 'dirs',
        partitions: [
          { partitionIndex: 0, partitionSize: expect.any(BigInt), offsetLag: 0n, isFutureKey: false },
          { partitionIndex: 1, partitionSize: 0n, offsetLag: 0n, isFutureKey: false },
        ],
      },
    ]);
    expect(dir!.topics[0]!.partitions[0]!.partitionSize).toBeGreaterThan(0n);
  });

  it('lists every topic for a null topic list, and nothing of a topic not asked for', async () => {
    const client = await node.client();
    const all = await client.send(ApiKey.DescribeLogDirs, 1, { topics: null });
    expect(all.results[0]!.topics.map((t) => t.name)).toContain('dirs');
    const none = await client.send(ApiKey.DescribeLogDirs, 5, { topics: [{ topic: 'absent', partitions: [0] }] });
    expect(none.results[0]).toMatchObject({ errorCode: ErrorCode.NONE, topics: [], isCordoned: false });
  });
});
