import { describe, expect, it } from 'vitest';
import { TxnState, decodeTransactionLogKey, decodeTransactionLogValue, transactionLogKey, transactionLogValue } from './transaction-log-records.js';

describe('__transaction_state records', () => {
  it('lays out TransactionLogKey v0 as Kafka does: version, then the id as a classic string', () => {
    expect(transactionLogKey('tx').toString('hex')).toBe('0000' + '0002' + Buffer.from('tx').toString('hex'));
    expect(decodeTransactionLogKey(transactionLogKey('my-transactional-id'))).toBe('my-transactional-id');
    // Other key versions belong to record types broker-ts does not write.
    expect(decodeTransactionLogKey(Buffer.from('00010000', 'hex'))).toBeUndefined();
  });

  it('round-trips TransactionLogValue v0 with Kafka field order and state ids', () => {
    const value = {
      producerId: 1000n,
      producerEpoch: 3,
      transactionTimeoutMs: 60_000,
      state: TxnState.PrepareCommit,
      partitions: new Map([
        ['out', [0, 2]],
        ['__consumer_offsets', [17]],
      ]),
      lastUpdateTimestampMs: 1_700_000_000_123n,
      startTimestampMs: 1_700_000_000_000n,
    };
    const bytes = transactionLogValue(value);
    // version 0, producer id, epoch, timeout, state PrepareCommit = 2, then two topics.
    expect(bytes.subarray(0, 2 + 8 + 2 + 4 + 1 + 4).toString('hex')).toBe('0000' + '00000000000003e8' + '0003' + '0000ea60' + '02' + '00000002');
    expect(decodeTransactionLogValue(bytes)).toEqual(value);
  });
});
