// Compression of a batch's records section. Only gzip is available in Node without native add-ons
// (zstd arrives in Node 22.15); the other codecs are reported as unsupported rather than guessed at.
import { gunzipSync, gzipSync } from 'node:zlib';
import { Compression } from '../record-batch.js';

/** Decompressed records sections larger than this are refused: a small batch could be a zip bomb. */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

export class UnsupportedCompressionError extends Error {
  override readonly name = 'UnsupportedCompressionError';

  constructor(readonly compression: Compression) {
    super(`${Compression[compression] ?? `codec ${compression}`} compression is not supported`);
  }
}

export function compress(compression: Compression, data: Buffer): Buffer {
  switch (compression) {
    case Compression.None:
      return data;
    case Compression.Gzip:
      return gzipSync(data);
    default:
      throw new UnsupportedCompressionError(compression);
  }
}

export function decompress(compression: Compression, data: Buffer, maxBytes = MAX_DECOMPRESSED_BYTES): Buffer {
  switch (compression) {
    case Compression.None:
      return data;
    case Compression.Gzip:
      return gunzipSync(data, { maxOutputLength: maxBytes });
    default:
      throw new UnsupportedCompressionError(compression);
  }
}
