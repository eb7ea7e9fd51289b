import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode, encodeRecordBatch } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';
import { createTopic, produce, values } from '../testing/wire-helpers.js';

let node: InProcessBroker;

beforeAll(async () => {
  node = await startInProcessBroker({ properties: { 'message.max.bytes': '10000' } });
  const client = await node.client();
  await createTopic(client, 'p', 2);
  await createTopic(client, 'flushed', 1, { 'flush.messages': '1' });
  await createTopic(client, 'strict', 1, { 'min.insync.replicas': '2' });
  await createTopic(client, 'append-time', 1, { 'message.timestamp.type': 'LogAppendTime' });
  await createTopic(client, 'small-segments', 1, { 'segment.bytes': '1048576', 'max.message.bytes': '600000' });
});

afterAll(async () => {
  await node.stop();
});

describe('Produce', () => {
  it('assigns consecutive offsets per partition and reports the log start offset', async () => {
    const client = await node.client();
    expect(await produce(client, 'p', 0, values(3))).toMatchObject({ errorCode: 0, baseOffset: 0n, logStartOffset: 0n, logAppendTimeMs: -1n });
    expect(await produce(client, 'p', 0, values(2))).toMatchObject({ errorCode: 0, baseOffset: 3n });
    expect(await produce(client, 'p', 1, values(1), { acks: 1 })).toMatchObject({ errorCode: 0, baseOffset: 0n });
    const partition = node.broker.replicas.partition('p', 0)!;
    expect([partition.logEndOffset, partition.highWatermark]).toEqual([5n, 5n]);
  });

  it('stamps the leader epoch on stored batches', async () => {
    const client = await node.client();
    await produce(client, 'p', 1, values(1));
    const stored = node.broker.replicas.partition('p', 1)!.log.read(0n, 1 << 20);
    expect(stored.readInt32BE(12)).toBe(node.broker.replicas.partition('p', 1)!.leaderEpoch);
  });

  it('answers per-partition errors as Kafka does', async () => {
    const client = await node.client();
    expect((await produce(client, 'nope', 0, values(1))).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await produce(client, 'p', 7, values(1))).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await produce(client, 'p', 0, [{ value: Buffer.alloc(20_000) }])).errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect((await produce(client, 'p', 0, values(1), { acks: 2 })).errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
    // min.insync.replicas 2 of one replica: Kafka applies at most the replica count, and takes the write.
    expect((await produce(client, 'strict', 0, values(1), { acks: -1 })).errorCode).toBe(ErrorCode.NONE);
    expect((await produce(client, 'strict', 0, values(1), { acks: 1 })).errorCode).toBe(ErrorCode.NONE);
    expect((await produce(client, '__consumer_offsets', 0, values(1))).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('refuses a partition payload that is not exactly one v2 batch', async () => {
    const client = await node.client();
    const twoBatches = Buffer.concat([encodeRecordBatch([{ value: 'a' }]), encodeRecordBatch([{ value: 'b' }])]);
    const response = await client.send(ApiKey.Produce, 9, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name: 'p', partitionData: [{ index: 0, records: twoBatches }] }],
    });
    expect(response.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.INVALID_RECORD);
  });

  it('answers a retried idempotent batch with its original offset', async () => {
    const client = await node.client();
    const init = await client.send(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
    expect(init.errorCode).toBe(0);
    const batch = { producerId: init.producerId, producerEpoch: init.producerEpoch };
    const first = await produce(client, 'p', 1, values(2), { ...batch, baseSequence: 0 });
    const second = await produce(client, 'p', 1, values(2), { ...batch, baseSequence: 2 });
    const retry = await produce(client, 'p', 1, values(2), { ...batch, baseSequence: 0 });
    expect(retry).toMatchObject({ errorCode: 0, baseOffset: first.baseOffset });
    expect(second.baseOffset).toBe(first.baseOffset + 2n);
    const gap = await produce(client, 'p', 1, values(1), { ...batch, baseSequence: 10 });
    expect(gap.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('acknowledges only after the fsync that flush.messages asks for', async () => {
    const client = await node.client();
    const response = await produce(client, 'flushed', 0, values(3), { acks: 1 });
    expect(response.errorCode).toBe(0);
    expect(node.broker.replicas.partition('flushed', 0)!.log.recoveryPoint).toBe(3n);
  });

  it('rolls segments at segment.bytes', async () => {
    const client = await node.client();
    for (let i = 0; i < 5; i++) expect((await produce(client, 'small-segments', 0, [{ value: Buffer.alloc(400_000, i) }])).errorCode).toBe(0);
    const log = node.broker.replicas.partition('small-segments', 0)!.log;
    expect(log.segmentBaseOffsets()).toEqual([0n, 2n, 4n]);
  });

  it('reports the append time for LogAppendTime topics', async () => {
    const client = await node.client();
    const before = BigInt(Date.now());
    const response = await produce(client, 'append-time', 0, [{ value: 'x', timestamp: 1000n }]);
    expect(response.logAppendTimeMs).toBeGreaterThanOrEqual(before);
  });
});
