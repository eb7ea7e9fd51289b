import { describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import type { WireClient } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';

function initProducerId(client: WireClient, transactionalId: string | null = null) {
  return client.send(ApiKey.InitProducerId, 4, { transactionalId, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
}

describe('InitProducerId', () => {
  it('hands out distinct producer ids with epoch 0, never reusing one after a restart', async () => {
    const first = await startInProcessBroker();
    const client = await first.client();
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const response = await initProducerId(client);
      expect(response).toMatchObject({ errorCode: 0, producerEpoch: 0 });
      ids.push(response.producerId);
    }
    expect(new Set(ids).size).toBe(3);
    await first.stop({ keepData: true });
    const second = await startInProcessBroker({ dataDir: first.dataDir });
    try {
      const after = await initProducerId(await second.client());
      expect(after.producerId).toBeGreaterThan(ids.reduce((a, b) => (a > b ? a : b)));
      // A transactional id goes to its transaction coordinator, which no node is before __transaction_state exists.
      expect((await initProducerId(await second.client(), 'txn')).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    } finally {
      await second.stop();
    }
  });
});
