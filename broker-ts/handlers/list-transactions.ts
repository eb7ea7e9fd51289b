// ListTransactions (key 66): the transactions this node coordinates, filtered by state, producer
// id, duration (v1) and a transactional id pattern (v2); what `kafka-transactions list` asks every
// broker.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';

/** Java's Pattern.matches: the whole id must match. Undefined for no pattern, null for one that does not compile. */
function wholeMatch(pattern: string | null | undefined): RegExp | undefined | null {
  if (pattern === null || pattern === undefined || pattern === '') return undefined;
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return null;
  }
}

export const listTransactionsHandler = defineHandler({
  apiKey: ApiKey.ListTransactions,
  minVersion: 0,
  maxVersion: 2,
  handle(broker, body) {
    const pattern = wholeMatch(body.transactionalIdPattern);
    if (pattern === null) return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REGULAR_EXPRESSION, unknownStateFilters: [], transactionStates: [] };
    const { unknownStates, transactions } = broker.txns.listTransactions({
      states: body.stateFilters,
      producerIds: body.producerIdFilters,
      minDurationMs: body.durationFilter ?? -1n,
      pattern,
    });
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      unknownStateFilters: unknownStates,
      transactionStates: transactions.map((t) => ({ transactionalId: t.transactionalId, producerId: t.producerId, transactionState: t.state })),
    };
  },
});
