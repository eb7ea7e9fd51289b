// Bounds-checked input for every Kafka primitive. Input comes from the network, so every length is
// checked against what is actually left before anything is sliced or allocated: a 4-byte frame that
// claims a two-billion-element array fails here instead of exhausting memory. Byte arrays are
// returned as views into the input, not copies.
import { ProtocolError } from './protocol-error.js';
import type { TaggedField } from './tagged-field.js';

const UUID_BYTES = 16;
/** Unsigned varints of up to 7 bytes (49 bits) are exact as JavaScript numbers. */
const EXACT_VARINT_BYTES = 7;
const MAX_VARLONG_BYTES = 10;

export class Reader {
  offset: number;
  /** Reading stops here; lowered temporarily while inside a sized region such as a tagged field. */
  end: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
    end = buf.length,
  ) {
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  int8(): number {
    this.need(1, 'int8');
    return this.buf.readInt8(this.offset++);
  }

  int16(): number {
    this.need(2, 'int16');
    const value = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    this.need(4, 'int32');
    const value = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  int64(): bigint {
    this.need(8, 'int64');
    const value = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  uint16(): number {
    this.need(2, 'uint16');
    const value = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  uint32(): number {
    this.need(4, 'uint32');
    const value = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  float64(): number {
    this.need(8, 'float64');
    const value = this.buf.readDoubleBE(this.offset);
    this.offset += 8;
    return value;
  }

  /** Any non-zero byte is true, as in the Java client. */
  boolean(): boolean {
    this.need(1, 'boolean');
    return this.buf[this.offset++] !== 0;
  }

  /** Unsigned LEB128, at most 5 bytes; bits beyond 32 are dropped as the Java client does. */
  uvarint(): number {
    const { buf, end } = this;
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      if (this.offset >= end) throw this.truncated('varint');
      if (shift > 28) throw new ProtocolError('varint-too-long', `varint longer than 5 bytes at offset ${this.offset}`);
      byte = buf[this.offset++]!;
      result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return result >>> 0;
  }

  /** Zigzag varint of a signed 32-bit value. */
  varint(): number {
    const raw = this.uvarint();
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** Zigzag varint of a signed 64-bit value, at most 10 bytes. */
  varlong(): bigint {
    const { buf } = this;
    const size = this.varlongSize();
    if (size <= EXACT_VARINT_BYTES) {
      let raw = 0;
      for (let i = size - 1; i >= 0; i--) raw = raw * 128 + (buf[this.offset + i]! & 0x7f);
      this.offset += size;
      return BigInt(raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2);
    }
    let raw = 0n;
    for (let i = size - 1; i >= 0; i--) raw = (raw << 7n) | BigInt(buf[this.offset + i]! & 0x7f);
    this.offset += size;
    raw = BigInt.asUintN(64, raw);
    return (raw >> 1n) ^ -(raw & 1n);
  }

  /** Moves past a varlong, refusing what varlong() refuses, without making the bigint. */
  skipVarlong(): void {
    this.offset += this.varlongSize();
  }

  /** Bytes of the varlong at the current offset. */
  private varlongSize(): number {
    const { buf, end } = this;
    let size = 0;
    for (;;) {
      if (this.offset + size >= end) throw this.truncated('varlong');
      if (size === MAX_VARLONG_BYTES) {
        throw new ProtocolError('varint-too-long', `varlong longer than 10 bytes at offset ${this.offset}`);
      }
      if ((buf[this.offset + size++]! & 0x80) === 0) return size;
    }
  }

  /** A UUID in Kafka's textual form: 22 characters of unpadded base64url. */
  uuid(): string {
    this.need(UUID_BYTES, 'uuid');
    const value = this.buf.toString('base64url', this.offset, this.offset + UUID_BYTES);
    this.offset += UUID_BYTES;
    return value;
  }

  string(): string {
    const size = this.int16();
    if (size < 0) throw this.negative('string', size);
    return this.utf8(size);
  }

  nullableString(): string | null {
    const size = this.int16();
    if (size === -1) return null;
    if (size < 0) throw this.negative('string', size);
    return this.utf8(size);
  }

  compactString(): string {
    const sizePlusOne = this.uvarint();
    if (sizePlusOne === 0) throw this.negative('compact string', -1);
    return this.utf8(sizePlusOne - 1);
  }

  compactNullableString(): string | null {
    const sizePlusOne = this.uvarint();
    return sizePlusOne === 0 ? null : this.utf8(sizePlusOne - 1);
  }

  bytes(): Buffer {
    const size = this.int32();
    if (size < 0) throw this.negative('bytes', size);
    return this.view(size);
  }

  nullableBytes(): Buffer | null {
    const size = this.int32();
    if (size === -1) return null;
    if (size < 0) throw this.negative('bytes', size);
    return this.view(size);
  }

  compactBytes(): Buffer {
    const sizePlusOne = this.uvarint();
    if (sizePlusOne === 0) throw this.negative('compact bytes', -1);
    return this.view(sizePlusOne - 1);
  }

  compactNullableBytes(): Buffer | null {
    const sizePlusOne = this.uvarint();
    return sizePlusOne === 0 ? null : this.view(sizePlusOne - 1);
  }

  /** The next `size` bytes as a view into the input (no copy). */
  view(size: number): Buffer {
    this.checkLength(size);
    const value = this.buf.subarray(this.offset, this.offset + size);
    this.offset += size;
    return value;
  }

  skip(size: number): void {
    this.checkLength(size);
    this.offset += size;
  }

  private checkLength(size: number): void {
    if (size > this.end - this.offset) {
      throw new ProtocolError('length-exceeds-input', `length ${size} at offset ${this.offset} exceeds the ${this.end - this.offset} bytes left`);
    }
  }

  /**
   * Element count of an int32-prefixed array; -1 means null. Each element takes at least
   * `minElementSize` bytes, which bounds how many can be real.
   */
  arrayCount(minElementSize: number): number {
    const count = this.int32();
    if (count === -1) return -1;
    if (count < 0) throw this.negative('array', count);
    return this.plausibleCount(count, minElementSize);
  }

  /** Element count of a compact array (count + 1 as unsigned varint); -1 means null. */
  compactArrayCount(minElementSize: number): number {
    const countPlusOne = this.uvarint();
    if (countPlusOne === 0) return -1;
    return this.plausibleCount(countPlusOne - 1, minElementSize);
  }

  /**
   * A tagged-field section (flexible versions): a count, then tag, size and bytes for each field.
   * Fields are returned as raw views; the caller decodes the tags it knows.
   */
  taggedFields(): TaggedField[] {
    return this.taggedFieldEntries(this.uvarint());
  }

  /** The entries of a tagged-field section whose count has already been read. */
  taggedFieldEntries(count: number): TaggedField[] {
    // An entry takes at least two bytes (tag and size), which bounds a hostile count.
    if (count * 2 > this.end - this.offset) {
      throw new ProtocolError('count-exceeds-input', `${count} tagged fields cannot fit in the ${this.end - this.offset} bytes left`);
    }
    const fields: TaggedField[] = [];
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint();
      fields.push({ tag, data: this.view(this.uvarint()) });
    }
    return fields;
  }

  private plausibleCount(count: number, minElementSize: number): number {
    if (count * Math.max(minElementSize, 1) > this.end - this.offset) {
      throw new ProtocolError(
        'count-exceeds-input',
        `array of ${count} elements at offset ${this.offset} cannot fit in the ${this.end - this.offset} bytes left`,
      );
    }
    return count;
  }

  private utf8(size: number): string {
    if (size > this.end - this.offset) {
      throw new ProtocolError('length-exceeds-input', `string of ${size} bytes at offset ${this.offset} exceeds the ${this.end - this.offset} bytes left`);
    }
    const value = this.buf.toString('utf8', this.offset, this.offset + size);
    this.offset += size;
    return value;
  }

  private need(size: number, what: string): void {
    if (this.end - this.offset < size) throw this.truncated(what);
  }

  private truncated(what: string): ProtocolError {
    return new ProtocolError('truncated', `input ends inside ${what} at offset ${this.offset}`);
  }

  private negative(what: string, size: number): ProtocolError {
    return new ProtocolError('negative-length', `${what} length ${size} at offset ${this.offset} is invalid`);
  }
}
