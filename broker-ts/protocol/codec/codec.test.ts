import { describe, expect, it } from 'vitest';
import { Reader } from './reader.js';
import { Writer } from './writer.js';
import { ProtocolError } from './protocol-error.js';

function bytes(build: (w: Writer) => void): Buffer {
  const w = new Writer(16);
  build(w);
  return w.toBuffer();
}

function hex(buf: Buffer): string {
  return buf.toString('hex');
}

function expectProtocolError(read: () => unknown, reason: ProtocolError['reason']): void {
  let caught: unknown;
  try {
    read();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ProtocolError);
  expect((caught as ProtocolError).reason).toBe(reason);
}

describe('fixed-width integers', () => {
  it('are big-endian and round-trip at their limits', () => {
    const buf = bytes((w) =>
      w
        .int8(-128)
        .int8(127)
        .int16(-32768)
        .int16(32767)
        .int32(-2147483648)
        .int32(2147483647)
        .int64(-(2n ** 63n))
        .int64(2n ** 63n - 1n)
        .uint16(65535)
        .uint32(4294967295)
        .float64(-0.1)
        .boolean(true)
        .boolean(false),
    );
    expect(hex(buf.subarray(0, 4))).toBe('807f8000');
    const r = new Reader(buf);
    expect([r.int8(), r.int8(), r.int16(), r.int16(), r.int32(), r.int32()]).toEqual([-128, 127, -32768, 32767, -2147483648, 2147483647]);
    expect([r.int64(), r.int64()]).toEqual([-(2n ** 63n), 2n ** 63n - 1n]);
    expect([r.uint16(), r.uint32(), r.float64(), r.boolean(), r.boolean()]).toEqual([65535, 4294967295, -0.1, true, false]);
    expect(r.remaining).toBe(0);
  });

  it('refuse values out of range instead of wrapping', () => {
    expect(() => new Writer().int8(128)).toThrow(RangeError);
    expect(() => new Writer().int32(2 ** 31)).toThrow(RangeError);
  });

  it('read any non-zero byte as true', () => {
    expect(new Reader(Buffer.from([2])).boolean()).toBe(true);
  });
});

describe('varints', () => {
  const unsigned: [number, string][] = [
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [16383, 'ff7f'],
    [16384, '808001'],
    [2 ** 28 - 1, 'ffffff7f'],
    [2 ** 28, '8080808001'],
    [2 ** 32 - 1, 'ffffffff0f'],
  ];
  it.each(unsigned)('unsigned %d is %s', (value, encoded) => {
    const buf = bytes((w) => w.uvarint(value));
    expect(hex(buf)).toBe(encoded);
    expect(new Reader(buf).uvarint()).toBe(value);
  });

  const zigzag: [number, string][] = [
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [-64, '7f'],
    [64, '8001'],
    [2147483647, 'feffffff0f'],
    [-2147483648, 'ffffffff0f'],
  ];
  it.each(zigzag)('signed %d is %s', (value, encoded) => {
    const buf = bytes((w) => w.varint(value));
    expect(hex(buf)).toBe(encoded);
    expect(new Reader(buf).varint()).toBe(value);
  });

  const longs: [bigint, string][] = [
    [0n, '00'],
    [-1n, '01'],
    [2147483648n, '8080808010'],
    [-2147483649n, '8180808010'],
    [2n ** 48n, '8080808080808001'],
    [2n ** 63n - 1n, 'feffffffffffffffff01'],
    [-(2n ** 63n), 'ffffffffffffffffff01'],
  ];
  it.each(longs)('varlong %d is %s', (value, encoded) => {
    const buf = bytes((w) => w.varlong(value));
    expect(hex(buf)).toBe(encoded);
    const r = new Reader(buf);
    expect(r.varlong()).toBe(value);
    expect(r.remaining).toBe(0);
  });

  it('reject varints longer than their type', () => {
    expectProtocolError(() => new Reader(Buffer.from('808080808001', 'hex')).uvarint(), 'varint-too-long');
    expectProtocolError(() => new Reader(Buffer.alloc(11, 0x80)).varlong(), 'varint-too-long');
  });

  it('report a varint cut short as truncated', () => {
    expectProtocolError(() => new Reader(Buffer.from('8080', 'hex')).uvarint(), 'truncated');
    expectProtocolError(() => new Reader(Buffer.from('80', 'hex')).varlong(), 'truncated');
  });

  it('refuse values a varint cannot carry', () => {
    expect(() => new Writer().uvarint(-1)).toThrow(RangeError);
    expect(() => new Writer().varint(2 ** 31)).toThrow(RangeError);
    expect(() => new Writer().varlong(2n ** 63n)).toThrow(RangeError);
  });
});

describe('strings and bytes', () => {
  it('encode classic strings with an int16 length and -1 for null', () => {
    expect(hex(bytes((w) => w.string('ab')))).toBe('00026162');
    expect(hex(bytes((w) => w.nullableString(null)))).toBe('ffff');
    expect(hex(bytes((w) => w.string('')))).toBe('0000');
  });

  it('encode compact strings with length + 1 and 0 for null', () => {
    expect(hex(bytes((w) => w.compactString('ab')))).toBe('036162');
    expect(hex(bytes((w) => w.compactNullableString(null)))).toBe('00');
    expect(hex(bytes((w) => w.compactString('')))).toBe('01');
  });

  it('count UTF-8 bytes, not characters', () => {
    const buf = bytes((w) => w.string('é').compactString('日本'));
    expect(hex(buf)).toBe('0002c3a9' + '07e697a5e69cac');
    const r = new Reader(buf);
    expect([r.string(), r.compactString()]).toEqual(['é', '日本']);
  });

  it('round-trip every string and bytes form', () => {
    const payload = Buffer.from([1, 2, 3]);
    const buf = bytes((w) =>
      w
        .string('x')
        .nullableString(null)
        .nullableString('y')
        .compactString('z')
        .compactNullableString(null)
        .bytes(payload)
        .nullableBytes(null)
        .compactBytes(payload)
        .compactNullableBytes(null)
        .compactNullableBytes(Buffer.alloc(0)),
    );
    const r = new Reader(buf);
    expect([r.string(), r.nullableString(), r.nullableString(), r.compactString(), r.compactNullableString()]).toEqual(['x', null, 'y', 'z', null]);
    expect([r.bytes(), r.nullableBytes(), r.compactBytes(), r.compactNullableBytes(), r.compactNullableBytes()]).toEqual([
      payload,
      null,
      payload,
      null,
      Buffer.alloc(0),
    ]);
    expect(r.remaining).toBe(0);
  });

  it('return byte arrays as views into the input', () => {
    const buf = bytes((w) => w.bytes(Buffer.from('abc')));
    const view = new Reader(buf).bytes();
    expect(view.buffer).toBe(buf.buffer);
    expect(view.byteOffset).toBe(buf.byteOffset + 4);
  });

  it('refuse null where a value is required', () => {
    expectProtocolError(() => new Reader(Buffer.from('ffff', 'hex')).string(), 'negative-length');
    expectProtocolError(() => new Reader(Buffer.from('00', 'hex')).compactString(), 'negative-length');
    expectProtocolError(() => new Reader(Buffer.from('ffffffff', 'hex')).bytes(), 'negative-length');
    expectProtocolError(() => new Reader(Buffer.from('00', 'hex')).compactBytes(), 'negative-length');
  });

  it('refuse lengths below -1', () => {
    expectProtocolError(() => new Reader(Buffer.from('fffe', 'hex')).nullableString(), 'negative-length');
    expectProtocolError(() => new Reader(Buffer.from('80000000', 'hex')).nullableBytes(), 'negative-length');
  });

  it('refuse lengths beyond the input without allocating them', () => {
    expectProtocolError(() => new Reader(Buffer.from('7fff61', 'hex')).string(), 'length-exceeds-input');
    expectProtocolError(() => new Reader(Buffer.from('7fffffff00', 'hex')).bytes(), 'length-exceeds-input');
    expectProtocolError(() => new Reader(Buffer.from('ffffffff0f', 'hex')).compactBytes(), 'length-exceeds-input');
  });

  it('refuse strings too long for an int16 length', () => {
    expect(() => new Writer().string('x'.repeat(0x8000))).toThrow(RangeError);
  });
});

describe('uuid', () => {
  it('is 16 raw bytes carried as base64url text', () => {
    const text = Buffer.from('00112233445566778899aabbccddeeff', 'hex').toString('base64url');
    const buf = bytes((w) => w.uuid(text));
    expect(hex(buf)).toBe('00112233445566778899aabbccddeeff');
    expect(new Reader(buf).uuid()).toBe(text);
  });

  it('refuses text that is not a UUID', () => {
    expect(() => new Writer().uuid('not-a-uuid')).toThrow(TypeError);
  });
});

describe('arrays', () => {
  it('encode counts as int32 or compact count + 1', () => {
    expect(hex(bytes((w) => w.arrayLength(2).arrayLength(-1)))).toBe('00000002ffffffff');
    expect(hex(bytes((w) => w.compactArrayLength(2).compactArrayLength(0).compactArrayLength(null)))).toBe('030100');
  });

  it('read null counts as -1', () => {
    expect(new Reader(Buffer.from('ffffffff', 'hex')).arrayCount(4)).toBe(-1);
    expect(new Reader(Buffer.from('00', 'hex')).compactArrayCount(4)).toBe(-1);
    expect(new Reader(Buffer.from('01', 'hex')).compactArrayCount(4)).toBe(0);
  });

  it('refuse counts whose elements cannot fit in the input', () => {
    expectProtocolError(() => new Reader(Buffer.from('7fffffff', 'hex')).arrayCount(1), 'count-exceeds-input');
    expectProtocolError(() => new Reader(Buffer.from('0000000300000000', 'hex')).arrayCount(4), 'count-exceeds-input');
    expectProtocolError(() => new Reader(Buffer.from('ffffffff0f', 'hex')).compactArrayCount(1), 'count-exceeds-input');
    expectProtocolError(() => new Reader(Buffer.from('fffffffe', 'hex')).arrayCount(1), 'negative-length');
  });
});

describe('tagged-field sections', () => {
  it('round-trip raw fields in order', () => {
    const fields = [
      { tag: 0, data: Buffer.from([1]) },
      { tag: 300, data: Buffer.from('abc') },
    ];
    const buf = bytes((w) => w.taggedFields(fields));
    expect(hex(buf)).toBe('02' + '000101' + 'ac0203616263');
    expect(new Reader(buf).taggedFields()).toEqual(fields);
  });

  it('refuse sections that claim more than the input holds', () => {
    expectProtocolError(() => new Reader(Buffer.from('7f', 'hex')).taggedFields(), 'count-exceeds-input');
    expectProtocolError(() => new Reader(Buffer.from('010005aa', 'hex')).taggedFields(), 'length-exceeds-input');
  });
});

describe('Writer', () => {
  it('keeps large byte arrays by reference and still produces one contiguous output', () => {
    const big = Buffer.alloc(10_000, 7);
    const w = new Writer(16);
    w.int32(1).raw(big).int16(2);
    const chunks = w.toChunks();
    expect(chunks).toContain(big);
    const all = w.toBuffer();
    expect(all.length).toBe(4 + 10_000 + 2);
    expect(all.readInt32BE(0)).toBe(1);
    expect(all.readInt16BE(10_004)).toBe(2);
    expect(w.length).toBe(all.length);
  });

  it('grows across many small writes', () => {
    const w = new Writer(16);
    for (let i = 0; i < 10_000; i++) w.int32(i);
    const r = new Reader(w.toBuffer());
    for (let i = 0; i < 10_000; i++) expect(r.int32()).toBe(i);
  });

  it('lets a reserved size prefix be filled in afterwards', () => {
    const w = new Writer(16);
    const prefix = w.reserve(4);
    w.raw(Buffer.alloc(5000, 1)).int8(9);
    prefix.writeInt32BE(w.length - 4, 0);
    const out = w.toBuffer();
    expect(out.readInt32BE(0)).toBe(5001);
    expect(out[out.length - 1]).toBe(9);
  });
});

describe('Reader', () => {
  it('reports reads past the end as truncated', () => {
    expectProtocolError(() => new Reader(Buffer.from([1, 2, 3])).int32(), 'truncated');
    expectProtocolError(() => new Reader(Buffer.alloc(7)).int64(), 'truncated');
    expectProtocolError(() => new Reader(Buffer.alloc(15)).uuid(), 'truncated');
  });

  it('respects an end before the buffer end', () => {
    const r = new Reader(Buffer.from([0, 0, 0, 1, 0, 0, 0, 2]), 0, 4);
    expect(r.int32()).toBe(1);
    expectProtocolError(() => r.int32(), 'truncated');
  });
});
