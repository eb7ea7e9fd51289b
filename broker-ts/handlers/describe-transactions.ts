// DescribeTransactions (key 65): the state, producer, timeout, start and partitions of each
// transactional id this node coordinates; what `kafka-transactions describe` asks the coordinator.
import { ApiKey } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';

export const describeTransactionsHandler = defineHandler({
  apiKey: ApiKey.DescribeTransactions,
  minVersion: 0,
  maxVersion: 0,
  handle(broker, body) {
    return {
      throttleTimeMs: 0,
      transactionStates: body.transactionalIds.map((id) => {
        const txn = broker.txns.describeTransaction(id);
        // Kafka leaves the fields at their defaults when it answers with an error.
        return {
          errorCode: txn.errorCode,
          transactionalId: txn.transactionalId,
          transactionState: txn.state ?? '',
          transactionTimeoutMs: txn.timeoutMs ?? 0,
          transactionStartTimeMs: txn.startTimestampMs ?? 0n,
          producerId: txn.producerId ?? 0n,
          producerEpoch: txn.producerEpoch ?? 0,
          topics: txn.topics ?? [],
        };
      }),
    };
  },
});
