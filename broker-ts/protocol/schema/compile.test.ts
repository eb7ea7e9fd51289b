import { describe, expect, it } from 'vitest';
import { Reader } from '../codec/reader.js';
import { Writer } from '../codec/writer.js';
import { ProtocolError } from '../codec/protocol-error.js';
import { UNKNOWN_TAGGED_FIELDS, compile } from './compile.js';
import { insertAfter, insertBefore, replaceField, withoutFields } from './fields.js';
import * as t from './types.js';

const Partition = t.struct({ index: t.int32, name: t.nullableString });

const Message = t.struct({
  id: t.int16,
  label: t.string,
  partitions: t.array(Partition),
  note: t.withDefault(t.nullableString, null),
});

const Flexible = t.struct({
  ...Message.fields,
  epoch: t.tagged(1, t.int64, -1n),
  hosts: t.tagged(0, t.array(t.string)),
});

function encode<T extends t.Type>(type: T, flexible: boolean, value: t.Value<T>): Buffer {
  const w = new Writer();
  compile(type, flexible).write(w, value);
  return w.toBuffer();
}

function decode<T extends t.Type>(type: T, flexible: boolean, bytes: Buffer): t.Value<T> {
  const r = new Reader(bytes);
  const value = compile(type, flexible).read(r);
  expect(r.remaining).toBe(0);
  return value;
}

function reasonOf(read: () => unknown): string | undefined {
  try {
    read();
  } catch (error) {
    if (error instanceof ProtocolError) return error.reason;
    throw error;
  }
  return undefined;
}

const sample = { id: 7, label: 'ab', partitions: [{ index: 1, name: null }], note: 'n' };

describe('compiled schemas', () => {
  it('encode a non-flexible version with classic lengths', () => {
    expect(encode(Message, false, sample).toString('hex')).toBe('0007' + '00026162' + '00000001' + '00000001' + 'ffff' + '00016e');
  });

  it('encode a flexible version with compact lengths and a tagged-field section per struct', () => {
    expect(encode(Message, true, sample).toString('hex')).toBe('0007' + '036162' + '02' + ('00000001' + '00' + '00') + '026e' + '00');
  });

  it('decode what they encode', () => {
    expect(decode(Message, false, encode(Message, false, sample))).toEqual(sample);
    expect(decode(Message, true, encode(Message, true, sample))).toEqual(sample);
  });

  it('fill fields left undefined with their defaults when encoding', () => {
    const partial = { id: 1, label: 'x', partitions: [] } as unknown as t.Value<typeof Message>;
    expect(decode(Message, false, encode(Message, false, partial))).toEqual({ id: 1, label: 'x', partitions: [], note: null });
  });

  it('refuse null for a non-nullable field when encoding', () => {
    expect(() => encode(Message, false, { ...sample, label: null as unknown as string })).toThrow(TypeError);
    expect(() => encode(Message, true, { ...sample, partitions: null as unknown as [] })).toThrow(TypeError);
  });

  it('refuse a null non-nullable array when decoding', () => {
    const bytes = Buffer.from('0007' + '00026162' + 'ffffffff' + 'ffff', 'hex');
    expect(reasonOf(() => decode(Message, false, bytes))).toBe('negative-length');
  });

  it('bound array counts by the smallest possible element', () => {
    // 3 partitions claimed, but each needs at least 6 bytes and only 12 follow.
    const bytes = Buffer.from('0007' + '00026162' + '00000003' + '000000000000000000000000', 'hex');
    expect(reasonOf(() => decode(Message, false, bytes))).toBe('count-exceeds-input');
  });
});

describe('nullable structs', () => {
  const WithCursor = t.struct({ cursor: t.withDefault(t.nullableStruct({ topic: t.string, index: t.int32 }), null) });

  it('are written after a marker byte, -1 for null and 1 for present, as Kafka writes them', () => {
    expect(encode(WithCursor, true, { cursor: null }).toString('hex')).toBe('ff' + '00');
    expect(encode(WithCursor, true, { cursor: { topic: 'a', index: 2 } }).toString('hex')).toBe('01' + ('0261' + '00000002' + '00') + '00');
    expect(encode(WithCursor, false, { cursor: { topic: 'a', index: 2 } }).toString('hex')).toBe('01' + '000161' + '00000002');
  });

  it('read back as null or as the struct, and take their default when left undefined', () => {
    const cursor = { topic: 'a', index: 2 };
    expect(decode(WithCursor, true, encode(WithCursor, true, { cursor }))).toEqual({ cursor });
    expect(decode(WithCursor, false, encode(WithCursor, false, { cursor: null }))).toEqual({ cursor: null });
    expect(decode(WithCursor, true, encode(WithCursor, true, {} as t.Value<typeof WithCursor>))).toEqual({ cursor: null });
  });
});

describe('tagged fields', () => {
  const base = { ...sample, epoch: -1n, hosts: [] as string[] };

  it('are left out while they hold their defaults', () => {
    expect(encode(Flexible, true, base)).toEqual(encode(Message, true, sample));
  });

  it('are written in tag order when set, and read back', () => {
    const value = { ...base, epoch: 5n, hosts: ['h'] };
    const bytes = encode(Flexible, true, value);
    // Top-level section: two fields; tag 0 (hosts: compact array of one compact string), then tag 1 (int64).
    expect(bytes.subarray(bytes.length - 16).toString('hex')).toBe('02' + '0003' + '020268' + '0108' + '0000000000000005');
    expect(decode(Flexible, true, bytes)).toEqual(value);
  });

  it('take their defaults when absent', () => {
    expect(decode(Flexible, true, encode(Message, true, sample))).toEqual(base);
  });

  it('skip unknown tags when reading, and keep them for re-encoding', () => {
    const known = encode(Message, true, sample);
    // Replace the empty top-level section by one holding an unknown tag 9 with 2 bytes.
    const withUnknown = Buffer.concat([known.subarray(0, known.length - 1), Buffer.from('0109' + '02' + 'beef', 'hex')]);
    const decoded = decode(Flexible, true, withUnknown);
    expect(decoded).toEqual(base);
    expect(decoded[UNKNOWN_TAGGED_FIELDS as unknown as keyof typeof decoded]).toEqual([{ tag: 9, data: Buffer.from('beef', 'hex') }]);
    expect(encode(Flexible, true, decoded)).toEqual(withUnknown);
  });

  it('must fill exactly the size they declare', () => {
    const known = encode(Message, true, sample);
    // Tag 1 (int64) declared with 9 bytes.
    const oversized = Buffer.concat([known.subarray(0, known.length - 1), Buffer.from('01' + '01' + '09' + '000000000000000500', 'hex')]);
    expect(reasonOf(() => decode(Flexible, true, oversized))).toBe('bad-tagged-field');
    // Tag 1 declared with 4 bytes: the int64 inside runs out.
    const undersized = Buffer.concat([known.subarray(0, known.length - 1), Buffer.from('01' + '01' + '04' + '00000005', 'hex')]);
    expect(reasonOf(() => decode(Flexible, true, undersized))).toBe('truncated');
  });

  it('cannot be compiled for a non-flexible version', () => {
    expect(() => compile(Flexible, false)).toThrow(/tagged field/);
  });
});

describe('field list editing', () => {
  const fields = { a: t.int8, b: t.int16, c: t.int32 };

  it('inserts after and before a named field', () => {
    expect(Object.keys(insertAfter(fields, 'a', { x: t.bool }))).toEqual(['a', 'x', 'b', 'c']);
    expect(Object.keys(insertBefore(fields, 'a', { x: t.bool }))).toEqual(['x', 'a', 'b', 'c']);
  });

  it('replaces a field in place and removes fields', () => {
    expect(Object.keys(replaceField(fields, 'b', { y: t.uuid, z: t.bool }))).toEqual(['a', 'y', 'z', 'c']);
    expect(Object.keys(withoutFields(fields, 'a', 'c'))).toEqual(['b']);
  });

  it('refuses to edit around a field that does not exist', () => {
    expect(() => insertAfter(fields, 'nope' as 'a', {})).toThrow(/no field/);
  });
});
