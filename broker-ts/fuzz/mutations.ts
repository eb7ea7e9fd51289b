// Byte-level damage to a well-formed request frame (size prefix included): bit flips, extreme
// integers written over fields, cut, inserted and repeated bytes, a different version in the header.
// Most mutations keep the size prefix consistent so the damage reaches the request decoder and
// the handlers rather than only the framing.
import type { SeededRandom } from '@kafka-chaos/protocol/seeded-random';

const INT32_EDGES = [0x7fffffff, 0xffffffff, 0x80000000, 0, 0x00010000];
/** Size prefix (4), api key (2), api version (2), correlation id (4): the header starts the body. */
const VERSION_OFFSET = 6;

export type Mutation = 'flip' | 'byte' | 'int32' | 'truncate' | 'insert' | 'repeat' | 'version';

export function mutateFrame(frame: Buffer, random: SeededRandom): { frame: Buffer; mutation: Mutation } {
  const mutation = random.weighted<Mutation>({ flip: 30, byte: 15, int32: 20, truncate: 12, insert: 8, repeat: 5, version: 10 });
  let out = Buffer.from(frame);
  const bodyStart = 4;
  const at = () => bodyStart + random.int(Math.max(1, out.length - bodyStart));
  switch (mutation) {
    case 'flip':
      for (let i = 1 + random.int(8); i > 0; i--) {
        const position = at();
        if (position < out.length) out[position] = out[position]! ^ (1 << random.int(8));
      }
      break;
    case 'byte': {
      const position = at();
      if (position < out.length) out[position] = random.pick([0x00, 0xff, 0x7f, 0x80, 0x01]);
      break;
    }
    case 'int32': {
      const position = Math.min(at(), Math.max(bodyStart, out.length - 4));
      if (position + 4 <= out.length) out.writeUInt32BE(random.pick(INT32_EDGES), position);
      break;
    }
    case 'truncate':
      out = out.subarray(0, bodyStart + random.int(Math.max(1, out.length - bodyStart)));
      break;
    case 'insert': {
      const position = at();
      out = Buffer.concat([out.subarray(0, position), random.bytes(1 + random.int(16)), out.subarray(position)]);
      break;
    }
    case 'repeat': {
      const start = at();
      const end = Math.min(out.length, start + 1 + random.int(32));
      out = Buffer.concat([out.subarray(0, end), out.subarray(start, end), out.subarray(end)]);
      break;
    }
    case 'version':
      if (out.length >= VERSION_OFFSET + 2) out.writeInt16BE(random.int(20), VERSION_OFFSET);
      break;
  }
  if (random.chance(0.85) && out.length >= 4) out.writeInt32BE(out.length - 4, 0);
  return { frame: out, mutation };
}
