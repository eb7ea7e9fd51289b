// Growable output for every Kafka primitive. Output is kept as a list of chunks so that large byte
// arrays (record batches in Fetch responses) are referenced, not copied; `toChunks()` suits
// socket.writev/cork, `toBuffer()` joins them when one Buffer is needed.
import type { TaggedField } from './tagged-field.js';

const MIN_CHUNK = 512;
const MAX_CHUNK = 1 << 20;
/** Byte arrays at least this large are appended by reference. */
const ADOPT_THRESHOLD = 2048;
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const UUID_BYTES = 16;

export class Writer {
  private buf: Buffer;
  private pos = 0;
  private readonly chunks: Buffer[] = [];
  private chunkedBytes = 0;

  constructor(initialCapacity = MIN_CHUNK) {
    this.buf = Buffer.allocUnsafe(Math.max(initialCapacity, 16));
  }

  /** Bytes written so far. */
  get length(): number {
    return this.chunkedBytes + this.pos;
  }

  int8(value: number): this {
    this.room(1);
    this.pos = this.buf.writeInt8(value, this.pos);
    return this;
  }

  int16(value: number): this {
    this.room(2);
    this.pos = this.buf.writeInt16BE(value, this.pos);
    return this;
  }

  int32(value: number): this {
    this.room(4);
    this.pos = this.buf.writeInt32BE(value, this.pos);
    return this;
  }

  int64(value: bigint): this {
    this.room(8);
    this.pos = this.buf.writeBigInt64BE(value, this.pos);
    return this;
  }

  uint16(value: number): this {
    this.room(2);
    this.pos = this.buf.writeUInt16BE(value, this.pos);
    return this;
  }

  uint32(value: number): this {
    this.room(4);
    this.pos = this.buf.writeUInt32BE(value, this.pos);
    return this;
  }

  float64(value: number): this {
    this.room(8);
    this.pos = this.buf.writeDoubleBE(value, this.pos);
    return this;
  }

  boolean(value: boolean): this {
    this.room(1);
    this.buf[this.pos++] = value ? 1 : 0;
    return this;
  }

  /** Unsigned LEB128 of a value in [0, 2^32). */
  uvarint(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new RangeError(`unsigned varint out of range: ${value}`);
    }
    this.room(5);
    let rest = value >>> 0;
    while (rest > 0x7f) {
      this.buf[this.pos++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    this.buf[this.pos++] = rest;
    return this;
  }

  /** Zigzag varint of a signed 32-bit value. */
  varint(value: number): this {
    if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
      throw new RangeError(`varint out of range: ${value}`);
    }
    return this.uvarint(((value << 1) ^ (value >> 31)) >>> 0);
  }

  /** Zigzag varint of a signed 64-bit value. */
  varlong(value: bigint): this {
    if (value >= INT32_MIN && value <= INT32_MAX) return this.varint(Number(value));
    if (value < -(1n << 63n) || value >= 1n << 63n) throw new RangeError(`varlong out of range: ${value}`);
    let rest = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
    this.room(10);
    while (rest > 0x7fn) {
      this.buf[this.pos++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.buf[this.pos++] = Number(rest);
    return this;
  }

  /** A UUID given in Kafka's textual form: 22 characters of unpadded base64url. */
  uuid(value: string): this {
    this.room(UUID_BYTES);
    const written = value.length === 22 ? this.buf.write(value, this.pos, UUID_BYTES, 'base64url') : 0;
    if (written !== UUID_BYTES) throw new TypeError(`not a base64url UUID: ${JSON.stringify(value)}`);
    this.pos += UUID_BYTES;
    return this;
  }

  /** Bytes without a length prefix. Large ones are kept by reference: do not modify them afterwards. */
  raw(bytes: Uint8Array): this {
    const size = bytes.length;
    if (size >= ADOPT_THRESHOLD) {
      this.seal();
      this.chunks.push(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, size));
      this.chunkedBytes += size;
      return this;
    }
    this.room(size);
    this.buf.set(bytes, this.pos);
    this.pos += size;
    return this;
  }

  string(value: string): this {
    const size = Buffer.byteLength(value, 'utf8');
    if (size > 0x7fff) throw new RangeError(`string of ${size} bytes exceeds the int16 length prefix`);
    this.room(2 + size);
    this.pos = this.buf.writeInt16BE(size, this.pos);
    this.pos += this.buf.write(value, this.pos, size, 'utf8');
    return this;
  }

  nullableString(value: string | null): this {
    return value === null ? this.int16(-1) : this.string(value);
  }

  compactString(value: string): this {
    const size = Buffer.byteLength(value, 'utf8');
    this.uvarint(size + 1);
    this.room(size);
    this.pos += this.buf.write(value, this.pos, size, 'utf8');
    return this;
  }

  compactNullableString(value: string | null): this {
    return value === null ? this.uvarint(0) : this.compactString(value);
  }

  bytes(value: Uint8Array): this {
    return this.int32(value.length).raw(value);
  }

  nullableBytes(value: Uint8Array | null): this {
    return value === null ? this.int32(-1) : this.bytes(value);
  }

  compactBytes(value: Uint8Array): this {
    return this.uvarint(value.length + 1).raw(value);
  }

  compactNullableBytes(value: Uint8Array | null): this {
    return value === null ? this.uvarint(0) : this.compactBytes(value);
  }

  /** Element count of an array (int32); -1 stands for null. */
  arrayLength(count: number): this {
    return this.int32(count);
  }

  /** Element count of a compact array (count + 1 as unsigned varint); null is 0. */
  compactArrayLength(count: number | null): this {
    return this.uvarint(count === null ? 0 : count + 1);
  }

  /** A tagged-field section; fields must be in ascending tag order. */
  taggedFields(fields: readonly TaggedField[]): this {
    this.uvarint(fields.length);
    for (const { tag, data } of fields) this.uvarint(tag).uvarint(data.length).raw(data);
    return this;
  }

  /**
   * Skips `size` bytes and returns them as a view to be filled in later: for size prefixes whose
   * value is known only once the rest is written.
   */
  reserve(size: number): Buffer {
    this.room(size);
    const view = this.buf.subarray(this.pos, this.pos + size);
    this.pos += size;
    return view;
  }

  /** The output as chunks in order. The Writer stays usable. */
  toChunks(): Buffer[] {
    this.seal();
    return this.chunks.slice();
  }

  /** The output as one Buffer (copied only if it spans several chunks). */
  toBuffer(): Buffer {
    this.seal();
    if (this.chunks.length === 1) return this.chunks[0]!;
    return Buffer.concat(this.chunks, this.chunkedBytes);
  }

  private room(size: number): void {
    if (this.buf.length - this.pos >= size) return;
    this.seal();
    const next = Math.max(size, Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, this.chunkedBytes)));
    this.buf = Buffer.allocUnsafe(next);
  }

  /** Closes the current chunk; later writes continue in the unused rest of its buffer. */
  private seal(): void {
    if (this.pos === 0) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.chunkedBytes += this.pos;
    this.buf = this.buf.subarray(this.pos);
    this.pos = 0;
  }
}
