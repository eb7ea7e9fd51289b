import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { crc32c, crc32cIsNative, crc32cPortable } from './crc32c.js';

describe('crc32c', () => {
  it('matches the CRC-32C check value and known vectors', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
  });

  it('covers only the requested range', () => {
    const buf = Buffer.from('xx123456789yy');
    expect(crc32c(buf, 2, 11)).toBe(0xe3069283);
  });

  it('is computed natively where the package loads, with the same value as JavaScript at every length and offset', () => {
    // The package ships prebuilt for this machine: JavaScript alone here would be a silent slowdown.
    expect(crc32cIsNative).toBe(true);
    const data = randomBytes(70_000);
    for (const length of [0, 1, 7, 511, 512, 513, 1_100, 16_384, 65_536]) {
      for (const start of [0, 3, 61]) {
        expect(crc32c(data, start, start + length), `length ${length} from ${start}`).toBe(crc32cPortable(data, start, start + length));
      }
    }
    const view = new Uint8Array(data.buffer, data.byteOffset + 5, 4_000);
    expect(crc32c(view)).toBe(crc32cPortable(view));
  });
});
