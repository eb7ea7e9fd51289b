import { describe, expect, it } from 'vitest';
import { corruptIndexes, decodeMessageId, encodeMessage, isIntactMessage } from './message.js';

describe('workload messages', () => {
  it('are intact as written, at any size', () => {
    for (const size of [1, 8, 100, 4096]) {
      const value = encodeMessage(12345, size);
      expect(decodeMessageId(value)).toBe(12345);
      expect(isIntactMessage(value)).toBe(true);
    }
  });

  it('are not intact with any one bit flipped', () => {
    const value = encodeMessage(907, 64);
    for (let byte = 0; byte < value.length; byte++) {
      for (let bit = 0; bit < 8; bit++) {
        const flipped = Buffer.from(value);
        flipped[byte]! ^= 1 << bit;
        // A flip in the digits that makes another id is the queue checker's to find (unexpected, or a second message at one offset).
        if (decodeMessageId(flipped) >= 0 && byte < 3) continue;
        expect(isIntactMessage(flipped), `bit ${bit} of byte ${byte}`).toBe(false);
      }
    }
  });

  it('names the corrupted values of a batch by index', () => {
    expect(corruptIndexes([encodeMessage(1, 10), Buffer.from('2|..x'), null, Buffer.from('pipeline|txn')])).toEqual([1, 2, 3]);
    // A batch that failed its CRC: its records are corrupt, whatever their values say.
    expect(corruptIndexes([encodeMessage(1, 10), encodeMessage(2, 10)], [true, false])).toEqual([1]);
  });
});
