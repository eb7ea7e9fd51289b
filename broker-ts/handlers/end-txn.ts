// EndTxn (key 26): commit or abort. Answered once the coordinator has durably decided (the Prepare
// state is replicated); the markers are written to the transaction's partitions after that.
import { ApiKey } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';
import { fencedForVersion } from '../txn/producer-fenced.js';

export const endTxnHandler = defineHandler({
  apiKey: ApiKey.EndTxn,
  minVersion: 0,
  maxVersion: 3,
  async handle(broker, body, context) {
    const errorCode = await broker.txns.endTransaction(body.transactionalId, body.producerId, body.producerEpoch, body.committed);
    return { throttleTimeMs: 0, errorCode: fencedForVersion(errorCode, context.apiVersion, 2) };
  },
});
