// Turns a schema into an encoder/decoder pair once (structs into generated functions, see
// buildStruct), so encoding and decoding a message do not re-interpret the schema. Flexible versions
// (KIP-482) differ only in encoding: compact lengths for strings, bytes and arrays, and a
// tagged-field section closing every struct; the same schema compiles to either form.
import { Reader } from '../codec/reader.js';
import type { TaggedField } from '../codec/tagged-field.js';
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
      return type.nullable ? buildNullableStruct(type, flexible) : buildStruct(type, flexible);
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

interface CompiledTaggedField {
  name: string;
  tag: number;
  codec: Codec;
  isDefault: (value: unknown) => boolean;
}

type Struct = Record<string, unknown> & { [UNKNOWN_TAGGED_FIELDS]?: TaggedField[] };

/** Reader and Writer methods that read or write a whole field of a primitive type. */
const PRIMITIVE_METHODS: Partial<Record<Type['kind'], string>> = {
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  uint16: 'uint16',
  uint32: 'uint32',
  float64: 'float64',
  bool: 'boolean',
  uuid: 'uuid',
};

function inlineMethod(type: Type, flexible: boolean): string | undefined {
  const primitive = PRIMITIVE_METHODS[type.kind];
  if (primitive !== undefined) return primitive;
  if (type.kind !== 'string' && type.kind !== 'bytes' && type.kind !== 'records') return undefined;
  const nullable = type.kind === 'records' || type.nullable;
  const base = type.kind === 'string' ? 'String' : 'Bytes';
  const name = `${flexible ? 'compact' : ''}${nullable ? 'Nullable' : ''}${base}`;
  return name.charAt(0).toLowerCase() + name.slice(1);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function property(name: string): string {
  return IDENTIFIER.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

function literalKey(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/**
 * Structs are compiled to generated functions: reading builds the object with one literal (a stable
 * shape per struct type) and writing reads each property by name, which keeps property access
 * monomorphic; a loop over field names made every access go through one megamorphic keyed access
 * and was several times slower on Metadata-sized messages.
 */
function buildStruct(type: StructType, flexible: boolean): Codec {
  const regular: { name: string; type: Type; codec: Codec; makeDefault: () => unknown }[] = [];
  const taggedFields: (CompiledTaggedField & { makeDefault: () => unknown })[] = [];
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
      const fieldTypeOf = fieldType(field);
      regular.push({ name, type: fieldTypeOf, codec: compile(fieldTypeOf, flexible), makeDefault: defaultFactory(field) });
    }
  }
  taggedFields.sort((a, b) => a.tag - b.tag);
  const byTag = new Map(taggedFields.map((f) => [f.tag, f]));
  const minSize = regular.reduce((sum, f) => sum + f.codec.minSize, flexible ? 1 : 0);

  const readParts: string[] = [];
  const writeParts: string[] = [];
  regular.forEach((field, i) => {
    const method = inlineMethod(field.type, flexible);
    readParts.push(`${literalKey(field.name)}: ${method ? `r.${method}()` : `codecs[${i}].read(r)`}`);
    const nullable = field.type.kind === 'records' || ('nullable' in field.type && field.type.nullable);
    const guard = method && !nullable && PRIMITIVE_METHODS[field.type.kind] === undefined ? `if (v === null) nullGiven(${JSON.stringify(field.name)}); ` : '';
    writeParts.push(
      `v = o${property(field.name)}; if (v === undefined) v = defaults[${i}](); ${guard}${method ? `w.${method}(v);` : `codecs[${i}].write(w, v);`}`,
    );
  });
  taggedFields.forEach((field, i) => readParts.push(`${literalKey(field.name)}: taggedDefaults[${i}]()`));

  const readSource = [
    'return function read(r) {',
    `  const o = { ${readParts.join(', ')} };`,
    flexible ? '  const count = r.uvarint(); if (count !== 0) readTagged(r, o, count);' : '',
    '  return o;',
    '};',
  ].join('\n');
  const taggedWrite = taggedFields.length === 0 ? 'if (o[UNKNOWN] === undefined) w.uvarint(0); else writeTagged(w, o);' : 'writeTagged(w, o);';
  const writeSource = ['return function write(w, o) {', '  let v;', ...writeParts.map((part) => `  ${part}`), flexible ? `  ${taggedWrite}` : '', '};'].join(
    '\n',
  );

  const codecs = regular.map((f) => f.codec);
  const defaults = regular.map((f) => f.makeDefault);
  const taggedDefaults = taggedFields.map((f) => f.makeDefault);
  const readTagged = (r: Reader, o: Struct, count: number) => readTaggedFields(r, o, count, byTag);
  const writeTagged = (w: Writer, o: Struct) => writeTaggedFields(w, o, taggedFields);
  const nullGiven = (name: string) => {
    throw new TypeError(`null given for non-nullable field ${name}`);
  };
  const names = ['codecs', 'defaults', 'taggedDefaults', 'readTagged', 'writeTagged', 'nullGiven', 'UNKNOWN'];
  const args = [codecs, defaults, taggedDefaults, readTagged, writeTagged, nullGiven, UNKNOWN_TAGGED_FIELDS];
  return {
    minSize,
    read: new Function(...names, readSource)(...args) as Codec['read'],
    write: new Function(...names, writeSource)(...args) as Codec['write'],
  };
}

/** As Kafka writes a nullable struct, in flexible and non-flexible versions alike: a marker byte, -1 for null, then the struct. */
function buildNullableStruct(type: StructType, flexible: boolean): Codec {
  const struct = buildStruct(type, flexible);
  return {
    minSize: 1,
    read: (r) => (r.int8() < 0 ? null : struct.read(r)),
    write(w, value) {
      if (value === null) {
        w.int8(-1);
        return;
      }
      w.int8(1);
      struct.write(w, value);
    },
  };
}

function readTaggedFields(r: Reader, out: Struct, count: number, byTag: Map<number, CompiledTaggedField>): void {
  let unknown: TaggedField[] | undefined;
  for (const entry of r.taggedFieldEntries(count)) {
    const field = byTag.get(entry.tag);
    if (field === undefined) {
      (unknown ??= []).push(entry);
      continue;
    }
    const inner = new Reader(entry.data);
    out[field.name] = field.codec.read(inner);
    if (inner.remaining !== 0) {
      throw new ProtocolError('bad-tagged-field', `tagged field ${entry.tag} left ${inner.remaining} of its ${entry.data.length} bytes unread`);
    }
  }
  if (unknown !== undefined) {
    Object.defineProperty(out, UNKNOWN_TAGGED_FIELDS, { value: unknown, enumerable: false, writable: true, configurable: true });
  }
}

function writeTaggedFields(w: Writer, struct: Struct, taggedFields: CompiledTaggedField[]): void {
  const written: TaggedField[] = [];
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
  w.taggedFields(written);
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
      return (value) =>
        value !== null &&
        testers.every(([name, isDefault]) => {
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
