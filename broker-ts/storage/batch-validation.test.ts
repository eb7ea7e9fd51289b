// Every kind of damage the fuzzer inflicts on record batches is refused before anything is stored,
// with the error Kafka answers for it.
import { describe, expect, it } from 'vitest';
import { DAMAGES, damagedBatch, validBatch } from '../fuzz/garbage-batches.js';
import { SeededRandom } from '@kafka-chaos/protocol/seeded-random';
import { Compression, encodeRecordBatch } from '@kafka-chaos/protocol';
import { validateProducedBatches } from './batch-validation.js';
import { StorageError } from './errors.js';

const MAX = 65_536;

describe('produced batch validation', () => {
  it('accepts sound batches, gzip-compressed ones included', () => {
    const random = new SeededRandom(1);
    expect(validateProducedBatches(validBatch(random, 3), 'client', MAX)).toHaveLength(1);
    const gzip = encodeRecordBatch([{ value: 'a' }, { value: 'b', headers: [{ key: 'h', value: 'v' }] }], { compression: Compression.Gzip });
    expect(validateProducedBatches(gzip, 'client', MAX)).toHaveLength(1);
  });

  it.each(DAMAGES)('refuses a batch with damage "%s"', (damage) => {
    for (let seed = 1; seed <= 20; seed++) {
      const batch = damagedBatch(damage, new SeededRandom(seed), MAX);
      let refused: unknown;
      try {
        validateProducedBatches(batch, 'client', MAX);
      } catch (error) {
        refused = error;
      }
      expect(refused, `seed ${seed}`).toBeInstanceOf(StorageError);
      expect(['CORRUPT_MESSAGE', 'INVALID_RECORD', 'MESSAGE_TOO_LARGE']).toContain((refused as StorageError).kafkaError);
    }
  });

  it('names what is wrong with the records of a batch whose CRC is right', () => {
    expect(() => validateProducedBatches(damagedBatch('trailing-bytes', new SeededRandom(3), MAX), 'client', MAX)).toThrow(/bytes follow its last record/);
    expect(() => validateProducedBatches(damagedBatch('unknown-codec', new SeededRandom(3), MAX), 'client', MAX)).toThrow(/unknown compression codec/);
    expect(() => validateProducedBatches(damagedBatch('not-gzip', new SeededRandom(3), MAX), 'client', MAX)).toThrow(/does not decompress/);
  });
});
