// Turns a schema into an encoder/decoder pair once, so encoding and decoding a message walk
// prepared closures instead of re-interpreting the schema. Flexible versions (KIP-482) differ only in
// encoding: compact lengths for strings, bytes and arrays, and a tagged-field section closing every
// struct; the same schema compiles to either form.
import type { Reader } from '../codec/reader.js';
import { Writer } from '../codec/writer.js';
import { ProtocolError } from '../codec/protocol-error.js';
import type { ArrayType, Field, StructType, Type, Value } from './types.js';
import { ZERO_UUID, fieldType, isTagged } from './types.js';

export interface Codec<V = unknown> {
  write(writer: Writer, value: V): void;
  read(reader: Reader): V;
  /** Fewest bytes an encoded value can take: bounds how many array elements an input can hold. */
  readonly minSize: number;
}

/** A tagged field that this schema does not know, kept as raw bytes. */
export interface UnknownTaggedField {
  tag: number;
  data: Buffer;
}

/**
 * Decoded structs carry the tagged fields they did not recognise under this (non-enumerable) key,
 * and encoding writes them back, so a message passes through unchanged. Tests comparing decoded
 * messages with toEqual are not affected by it.
 */
export const UNKNOWN_TAGGED_FIELDS: unique symbol = Symbol('unknownTaggedFields');

const compiled = { flexible: new WeakMap<Type, Codec>(), legacy: new WeakMap<Type, Codec>() };

export function compile<T extends Type>(type: T, flexible: boolean): Codec<Value<T>> {
  const cache = flexible ? compiled.flexible : compiled.legacy;
  let codec = cache.get(type);
  if (codec === undefined) {
    codec = build(type, flexible);
    cache.set(type, codec);
  }
  return codec as Codec<Value<T>>;
}

function build(type: Type, flexible: boolean): Codec {
  switch (type.kind) {
    case 'int8':
      return { minSize: 1, read: (r) => r.int8(), write: (w, v) => void w.int8(v as number) };
    case 'int16':
      return { minSize: 2, read: (r) => r.int16(), write: (w, v) => void w.int16(v as number) };
    case 'int32':
      return { minSize: 4, read: (r) => r.int32(), write: (w, v) => void w.int32(v as number) };
    case 'uint16':
      return { minSize: 2, read: (r) => r.uint16(), write: (w, v) => void w.uint16(v as number) };
    case 'uint32':
      return { minSize: 4, read: (r) => r.uint32(), write: (w, v) => void w.uint32(v as number) };
    case 'float64':
      return { minSize: 8, read: (r) => r.float64(), write: (w, v) => void w.float64(v as number) };
    case 'int64':
      return { minSize: 8, read: (r) => r.int64(), write: (w, v) => void w.int64(v as bigint) };
    case 'bool':
      return { minSize: 1, read: (r) => r.boolean(), write: (w, v) => void w.boolean(v as boolean) };
    case 'uuid':
      return { minSize: 16, read: (r) => r.uuid(), write: (w, v) => void w.uuid(v as string) };
    case 'string':
      return buildString(type.nullable, flexible);
    case 'bytes':
      return buildBytes(type.nullable, flexible);
    case 'records':
      return buildBytes(true, flexible);
    case 'array':
      return buildArray(type, flexible);
    case 'struct':
      return buildStruct(type, flexible);
  }
}

function buildString(nullable: boolean, flexible: boolean): Codec {
  if (flexible) {
    return nullable
      ? { minSize: 1, read: (r) => r.compactNullableString(), write: (w, v) => void w.compactNullableString(v as string | null) }
      : { minSize: 1, read: (r) => r.compactString(), write: (w, v) => void w.compactString(notNull(v, 'string') as string) };
  }
  return nullable
    ? { minSize: 2, read: (r) => r.nullableString(), write: (w, v) => void w.nullableString(v as string | null) }
    : { minSize: 2, read: (r) => r.string(), write: (w, v) => void w.string(notNull(v, 'string') as string) };
}

function buildBytes(nullable: boolean, flexible: boolean): Codec {
  if (flexible) {
    return nullable
      ? { minSize: 1, read: (r) => r.compactNullableBytes(), write: (w, v) => void w.compactNullableBytes(v as Buffer | null) }
      : { minSize: 1, read: (r) => r.compactBytes(), write: (w, v) => void w.compactBytes(notNull(v, 'bytes') as Buffer) };
  }
  return nullable
    ? { minSize: 4, read: (r) => r.nullableBytes(), write: (w, v) => void w.nullableBytes(v as Buffer | null) }
    : { minSize: 4, read: (r) => r.bytes(), write: (w, v) => void w.bytes(notNull(v, 'bytes') as Buffer) };
}

function buildArray(type: ArrayType, flexible: boolean): Codec {
  const item: Codec = compile(type.items, flexible) as Codec;
  const itemMin = item.minSize;
  const { nullable } = type;
  return {
    minSize: flexible ? 1 : 4,
    read(r) {
      const count = flexible ? r.compactArrayCount(itemMin) : r.arrayCount(itemMin);
      if (count === -1) {
        if (nullable) return null;
        throw new ProtocolError('negative-length', `non-nullable array is null at offset ${r.offset}`);
      }
      const items: unknown[] = [];
      for (let i = 0; i < count; i++) items.push(item.read(r));
      return items;
    },
    write(w, value) {
      if (value === null) {
        if (!nullable) throw new TypeError('null given for a non-nullable array');
        if (flexible) w.compactArrayLength(null);
        else w.arrayLength(-1);
        return;
      }
      const items = value as unknown[];
      if (flexible) w.compactArrayLength(items.length);
      else w.arrayLength(items.length);
      for (let i = 0; i < items.length; i++) item.write(w, items[i]);
    },
  };
}

interface CompiledField {
  name: string;
  codec: Codec;
  makeDefault: () => unknown;
}

interface CompiledTaggedField extends CompiledField {
  tag: number;
  isDefault: (value: unknown) => boolean;
}

type Struct = Record<string, unknown> & { [UNKNOWN_TAGGED_FIELDS]?: UnknownTaggedField[] };

function buildStruct(type: StructType, flexible: boolean): Codec {
  const regular: CompiledField[] = [];
  const taggedFields: CompiledTaggedField[] = [];
  for (const [name, field] of Object.entries(type.fields)) {
    if (isTagged(field)) {
      if (!flexible) throw new Error(`tagged field ${name} in a schema compiled for a non-flexible version`);
      taggedFields.push({
        name,
        tag: field.tag,
        codec: compile(field.type, true),
        makeDefault: defaultFactory(field),
        isDefault: defaultTester(field),
      });
    } else {
      regular.push({ name, codec: compile(fieldType(field), flexible), makeDefault: defaultFactory(field) });
    }
  }
  taggedFields.sort((a, b) => a.tag - b.tag);
  const byTag = new Map(taggedFields.map((f) => [f.tag, f]));
  const count = regular.length;
  const names = regular.map((f) => f.name);
  const codecs = regular.map((f) => f.codec);
  const defaults = regular.map((f) => f.makeDefault);
  const minSize = codecs.reduce((sum, c) => sum + c.minSize, flexible ? 1 : 0);

  return {
    minSize,
    read(r) {
      const out: Struct = {};
      for (let i = 0; i < count; i++) out[names[i]!] = codecs[i]!.read(r);
      if (flexible) readTaggedFields(r, out, taggedFields, byTag);
      return out;
    },
    write(w, value) {
      const struct = value as Struct;
      for (let i = 0; i < count; i++) {
        const fieldValue = struct[names[i]!];
        codecs[i]!.write(w, fieldValue === undefined ? defaults[i]!() : fieldValue);
      }
      if (flexible) writeTaggedFields(w, struct, taggedFields);
    },
  };
}

function readTaggedFields(
  r: Reader,
  out: Struct,
  taggedFields: CompiledTaggedField[],
  byTag: Map<number, CompiledTaggedField>,
): void {
  for (const field of taggedFields) out[field.name] = field.makeDefault();
  const count = r.uvarint();
  // Each tagged field takes at least two bytes (tag and size), which bounds a hostile count.
  if (count * 2 > r.remaining) {
    throw new ProtocolError('count-exceeds-input', `${count} tagged fields cannot fit in ${r.remaining} bytes`);
  }
  let unknown: UnknownTaggedField[] | undefined;
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    const size = r.uvarint();
    const field = byTag.get(tag);
    if (field === undefined) {
      (unknown ??= []).push({ tag, data: r.view(size) });
      continue;
    }
    const outerEnd = r.narrow(size);
    out[field.name] = field.codec.read(r);
    if (r.offset !== r.end) {
      throw new ProtocolError('bad-tagged-field', `tagged field ${tag} left ${r.end - r.offset} of its ${size} bytes unread`);
    }
    r.restoreEnd(outerEnd);
  }
  if (unknown !== undefined) {
    Object.defineProperty(out, UNKNOWN_TAGGED_FIELDS, { value: unknown, enumerable: false, writable: true, configurable: true });
  }
}

function writeTaggedFields(w: Writer, struct: Struct, taggedFields: CompiledTaggedField[]): void {
  const written: { tag: number; data: Buffer }[] = [];
  for (const field of taggedFields) {
    const value = struct[field.name];
    if (value === undefined || field.isDefault(value)) continue;
    const scratch = new Writer(64);
    field.codec.write(scratch, value);
    written.push({ tag: field.tag, data: scratch.toBuffer() });
  }
  const unknown = struct[UNKNOWN_TAGGED_FIELDS];
  if (unknown !== undefined) {
    for (const extra of unknown) if (!written.some((f) => f.tag === extra.tag)) written.push(extra);
    written.sort((a, b) => a.tag - b.tag);
  }
  w.uvarint(written.length);
  for (const { tag, data } of written) w.uvarint(tag).uvarint(data.length).raw(data);
}

/** Zero value of a type, as Kafka's generated classes initialise fields without a "default". */
export function zeroValue(type: Type): unknown {
  switch (type.kind) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint16':
    case 'uint32':
    case 'float64':
      return 0;
    case 'int64':
      return 0n;
    case 'bool':
      return false;
    case 'uuid':
      return ZERO_UUID;
    case 'string':
      return '';
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    case 'array':
      return [];
    case 'struct': {
      const out: Record<string, unknown> = {};
      for (const [name, field] of Object.entries(type.fields)) out[name] = defaultFactory(field)();
      return out;
    }
  }
}

function defaultFactory(field: Field): () => unknown {
  if (field.kind === 'field' && field.default !== undefined) {
    const value = field.default;
    return () => value;
  }
  const type = fieldType(field);
  // Arrays, structs and byte arrays are mutable: every use gets a fresh one.
  if (type.kind === 'array' || type.kind === 'struct' || type.kind === 'bytes') return () => zeroValue(type);
  const value = zeroValue(type);
  return () => value;
}

function defaultTester(field: Field): (value: unknown) => boolean {
  const type = fieldType(field);
  const explicit = field.kind === 'field' ? field.default : undefined;
  if (explicit === null) return (value) => value === null;
  switch (type.kind) {
    case 'array':
    case 'bytes':
      return (value) => value !== null && (value as ArrayLike<unknown>).length === 0;
    case 'records':
      return (value) => value === null;
    case 'struct': {
      const testers = Object.entries(type.fields).map(([name, f]) => [name, defaultTester(f)] as const);
      return (value) => testers.every(([name, isDefault]) => {
        const fieldValue = (value as Record<string, unknown>)[name];
        return fieldValue === undefined || isDefault(fieldValue);
      });
    }
    default: {
      const expected = explicit === undefined ? zeroValue(type) : explicit;
      return (value) => value === expected;
    }
  }
}

function notNull(value: unknown, what: string): unknown {
  if (value === null) throw new TypeError(`null given for a non-nullable ${what}`);
  return value;
}
