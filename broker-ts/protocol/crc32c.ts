// CRC-32C (Castagnoli), the checksum of RecordBatch v2, checked on every batch a leader or a
// follower appends. Batches of a few hundred bytes and up go to @node-rs/crc32 (the CPU's CRC32
// instruction, about 6 times faster than JavaScript on 16 KiB); smaller ones, and every input
// where that package cannot load, to slice-by-8 tables in JavaScript, which cost less than the
// call into native code for a short input.
import { createRequire } from 'node:module';

const POLY = 0x82f63b78;
const TABLES: Uint32Array[] = [];

{
  const t0 = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t0[n] = c >>> 0;
  }
  TABLES.push(t0);
  for (let t = 1; t < 8; t++) {
    const prev = TABLES[t - 1]!;
    const cur = new Uint32Array(256);
    for (let n = 0; n < 256; n++) cur[n] = (prev[n]! >>> 8) ^ t0[prev[n]! & 0xff]!;
    TABLES.push(cur);
  }
}

const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];

type NativeCrc32c = (input: Buffer, initialState?: number) => number;

function loadNative(): NativeCrc32c | undefined {
  try {
    return (createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: NativeCrc32c }).crc32c;
  } catch {
    return undefined;
  }
}

const native = loadNative();
/** Below this many bytes the JavaScript tables beat the native call (measured on Node 20, x64). */
const NATIVE_FROM_BYTES = 512;

/** Whether the native implementation serves long inputs (false: JavaScript only). */
export const crc32cIsNative = native !== undefined;

/** CRC-32C of buf[start, end), as an unsigned 32-bit number. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  if (native !== undefined && end - start >= NATIVE_FROM_BYTES) {
    return native(Buffer.from(buf.buffer, buf.byteOffset + start, end - start)) >>> 0;
  }
  return crc32cPortable(buf, start, end);
}

/** CRC-32C in JavaScript alone. */
export function crc32cPortable(buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = 0xffffffff;
  let i = start;
  while (end - i >= 8) {
    const a = (crc ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24))) >>> 0;
    crc =
      T7[a & 0xff]! ^
      T6[(a >>> 8) & 0xff]! ^
      T5[(a >>> 16) & 0xff]! ^
      T4[a >>> 24]! ^
      T3[buf[i + 4]!]! ^
      T2[buf[i + 5]!]! ^
      T1[buf[i + 6]!]! ^
      T0[buf[i + 7]!]!;
    i += 8;
  }
  while (i < end) crc = T0[(crc ^ buf[i++]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
