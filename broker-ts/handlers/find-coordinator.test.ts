// FindCoordinator when the coordinator's internal topic cannot be created yet (one node, a
// replication factor of three): Kafka answers the retriable COORDINATOR_NOT_AVAILABLE, for groups
// and transactional ids alike, and so must broker-ts; UNKNOWN_SERVER_ERROR makes kafkajs give up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';

let node: InProcessBroker;

beforeAll(async () => {
  node = await startInProcessBroker({
    properties: { 'offsets.topic.replication.factor': '3', 'transaction.state.log.replication.factor': '3' },
  });
});

afterAll(async () => {
  await node.stop();
});

describe('FindCoordinator without enough brokers for the internal topic', () => {
  it.each([
    ['a group', 0, 'some-group'],
    ['a transactional id', 1, 'some-transaction'],
  ])('answers COORDINATOR_NOT_AVAILABLE for %s, in every version', async (_what, keyType, key) => {
    const client = await node.client();
    const v4 = await client.send(ApiKey.FindCoordinator, 4, { keyType, coordinatorKeys: [key] });
    expect(v4.coordinators![0]).toMatchObject({ key, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1 });
    const v3 = await client.send(ApiKey.FindCoordinator, 3, { key, keyType });
    expect(v3).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1 });
    expect(node.broker.image.topic(keyType === 0 ? '__consumer_offsets' : '__transaction_state')).toBeUndefined();
  });
});
