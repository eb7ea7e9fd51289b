import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';

let node: InProcessBroker;

beforeAll(async () => {
  node = await startInProcessBroker({ properties: { 'broker.rack': 'r1', 'cluster.id': 'brokerTsTestClusterId0' } });
});

afterAll(async () => {
  await node.stop();
});

describe('DescribeCluster', () => {
  it('lists the brokers of the listener, with the configured cluster id and rack', async () => {
    const client = await node.client();
    const response = await client.send(ApiKey.DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 });
    expect(response).toMatchObject({
      errorCode: 0,
      clusterId: 'brokerTsTestClusterId0',
      controllerId: 1,
      endpointType: 1,
      brokers: [{ brokerId: 1, host: '127.0.0.1', port: node.port, rack: 'r1' }],
      clusterAuthorizedOperations: -2147483648,
    });
    const controllers = await client.send(ApiKey.DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 });
    expect(controllers.errorCode).toBe(ErrorCode.MISMATCHED_ENDPOINT_TYPE);
  });
});
