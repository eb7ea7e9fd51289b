// WriteTxnMarkers (key 27, v1 as Kafka 4 serves it): a transaction coordinator on another node asks
// this partition leader to write commit or abort markers. Each partition is answered once its
// marker is replicated (or with why not; the coordinator retries).
import { ApiKey } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';
import { appendTxnMarker } from '../txn/txn-markers.js';

export const writeTxnMarkersHandler = defineHandler({
  apiKey: ApiKey.WriteTxnMarkers,
  minVersion: 1,
  maxVersion: 1,
  async handle(broker, body) {
    const markers = await Promise.all(
      body.markers.map(async (m) => {
        const marker = { producerId: m.producerId, producerEpoch: m.producerEpoch, commit: m.transactionResult, coordinatorEpoch: m.coordinatorEpoch };
        const topics = await Promise.all(
          m.topics.map(async (t) => ({
            name: t.name,
            partitions: await Promise.all(
              t.partitionIndexes.map(async (partitionIndex) => ({ partitionIndex, errorCode: await appendTxnMarker(broker, t.name, partitionIndex, marker) })),
            ),
          })),
        );
        return { producerId: m.producerId, topics };
      }),
    );
    return { markers };
  },
});
