// The vocabulary message schemas are written in. A schema describes one version of one message in
// logical types only; whether strings and arrays are compact and whether tagged fields exist is
// decided when the schema is compiled for a flexible or a non-flexible version (see compile.ts).
//
// Struct fields are object literals, so a field's position is its insertion order; helpers in
// fields.ts edit field lists while keeping positions, which is how later versions build on earlier
// ones.

export type NumberKind = 'int8' | 'int16' | 'int32' | 'uint16' | 'uint32' | 'float64';

export interface NumberType<K extends NumberKind = NumberKind> {
  readonly kind: K;
}
export interface Int64Type {
  readonly kind: 'int64';
}
export interface BoolType {
  readonly kind: 'bool';
}
/** Kafka's 16-byte UUID, carried as its 22-character base64url text (Kafka's own `Uuid.toString`). */
export interface UuidType {
  readonly kind: 'uuid';
}
export interface StringType<N extends boolean = boolean> {
  readonly kind: 'string';
  readonly nullable: N;
}
export interface BytesType<N extends boolean = boolean> {
  readonly kind: 'bytes';
  readonly nullable: N;
}
/** Concatenated record batches, kept as raw bytes; always nullable in Kafka's schemas. */
export interface RecordsType {
  readonly kind: 'records';
}
export interface ArrayType<E extends Type = Type, N extends boolean = boolean> {
  readonly kind: 'array';
  readonly items: E;
  readonly nullable: N;
}
export interface StructType<F extends Fields = Fields, N extends boolean = boolean> {
  readonly kind: 'struct';
  readonly fields: F;
  /** A nullable struct field is preceded on the wire by a marker byte: -1 for null, 1 for present. */
  readonly nullable: N;
}

export type Type = NumberType | Int64Type | BoolType | UuidType | StringType | BytesType | RecordsType | ArrayType | StructType;

/** A field with more to say than its type: a default, or a tag that makes it a tagged field. */
export interface FieldSpec<T extends Type = Type> {
  readonly kind: 'field';
  readonly type: T;
  /** Value used when encoding a field the caller left undefined, and for absent tagged fields. */
  readonly default?: unknown;
  /** Present for tagged fields (flexible versions only): the tag number. */
  readonly tag?: number;
}

export type Field = Type | FieldSpec;
export type Fields = { readonly [name: string]: Field };

export const int8: NumberType<'int8'> = { kind: 'int8' };
export const int16: NumberType<'int16'> = { kind: 'int16' };
export const int32: NumberType<'int32'> = { kind: 'int32' };
export const uint16: NumberType<'uint16'> = { kind: 'uint16' };
export const uint32: NumberType<'uint32'> = { kind: 'uint32' };
export const float64: NumberType<'float64'> = { kind: 'float64' };
export const int64: Int64Type = { kind: 'int64' };
export const bool: BoolType = { kind: 'bool' };
export const uuid: UuidType = { kind: 'uuid' };
export const string: StringType<false> = { kind: 'string', nullable: false };
export const nullableString: StringType<true> = { kind: 'string', nullable: true };
export const bytes: BytesType<false> = { kind: 'bytes', nullable: false };
export const nullableBytes: BytesType<true> = { kind: 'bytes', nullable: true };
export const records: RecordsType = { kind: 'records' };

export function array<E extends Type>(items: E): ArrayType<E, false> {
  return { kind: 'array', items, nullable: false };
}

export function nullableArray<E extends Type>(items: E): ArrayType<E, true> {
  return { kind: 'array', items, nullable: true };
}

export function struct<F extends Fields>(fields: F): StructType<F, false> {
  return { kind: 'struct', fields, nullable: false };
}

export function nullableStruct<F extends Fields>(fields: F): StructType<F, true> {
  return { kind: 'struct', fields, nullable: true };
}

/** A field whose default differs from its type's zero value (Kafka's "default" attribute). */
export function withDefault<T extends Type>(type: T, value: Value<T>): FieldSpec<T> {
  return { kind: 'field', type, default: value };
}

/** A tagged field: only in flexible versions, written only when it differs from its default. */
export function tagged<T extends Type>(tag: number, type: T, defaultValue?: Value<T>): FieldSpec<T> {
  return defaultValue === undefined ? { kind: 'field', type, tag } : { kind: 'field', type, tag, default: defaultValue };
}

export function fieldType(field: Field): Type {
  return field.kind === 'field' ? field.type : field;
}

export function isTagged(field: Field): field is FieldSpec & { tag: number } {
  return field.kind === 'field' && field.tag !== undefined;
}

type Nullable<V, N extends boolean> = N extends true ? V | null : V;

/** The JavaScript value a type decodes to (and encodes from). */
export type Value<T> = T extends NumberType
  ? number
  : T extends Int64Type
    ? bigint
    : T extends BoolType
      ? boolean
      : T extends UuidType
        ? string
        : T extends StringType<infer N>
          ? Nullable<string, N>
          : T extends BytesType<infer N>
            ? Nullable<Buffer, N>
            : T extends RecordsType
              ? Buffer | null
              : T extends ArrayType<infer E, infer N>
                ? Nullable<Value<E>[], N>
                : T extends StructType<infer F, infer N>
                  ? Nullable<StructValue<F>, N>
                  : never;

export type StructValue<F extends Fields> = {
  -readonly [K in keyof F]: F[K] extends FieldSpec<infer T> ? Value<T> : Value<F[K]>;
};

/** Kafka's textual form of the all-zero UUID, the default of uuid fields. */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
