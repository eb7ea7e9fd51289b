// Request bodies built from the protocol layer's schemas with random, edge-biased values: every
// field present and of the right type, so the request encodes and decodes, but its values are the
// kind that break handlers (negative counts, -1 ids, maximum timeouts, empty and odd names).
import type { Field, StructType, Type } from '@kafka-chaos/protocol/schema';
import { fieldType } from '@kafka-chaos/protocol/schema';
import { encodeRecordBatch } from '@kafka-chaos/protocol';
import type { SeededRandom } from '@kafka-chaos/protocol/seeded-random';

const INT_EDGES: Record<'int8' | 'int16' | 'int32' | 'uint16' | 'uint32', readonly number[]> = {
  int8: [0, 1, -1, 127, -128],
  int16: [0, 1, -1, 32767, -32768, 2],
  int32: [0, 1, -1, 2147483647, -2147483648, 1000, 65536],
  uint16: [0, 1, 65535],
  uint32: [0, 1, 4294967295],
};
const INT64_EDGES = [0n, 1n, -1n, -2n, 9223372036854775807n, -9223372036854775808n, 1_000_000n];
const STRING_EDGES = ['', 'a', '-', '..', '__consumer_offsets', '__cluster_metadata', 'é€😀', 'x'.repeat(300), ' '];

export function randomBody(schema: StructType, random: SeededRandom): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema.fields)) out[name] = randomField(field, random, 0);
  return out;
}

function randomField(field: Field, random: SeededRandom, depth: number): unknown {
  return randomValue(fieldType(field), random, depth);
}

function randomValue(type: Type, random: SeededRandom, depth: number): unknown {
  switch (type.kind) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint16':
    case 'uint32': {
      if (random.chance(0.6)) return random.pick(INT_EDGES[type.kind]);
      const bits = type.kind === 'int8' ? 7 : type.kind === 'int16' ? 15 : type.kind === 'uint16' ? 16 : 31;
      const magnitude = random.int(2 ** Math.min(bits, 30));
      return type.kind.startsWith('uint') || random.chance(0.7) ? magnitude : -magnitude;
    }
    case 'float64':
      return random.pick([0, -1, 1.5, Number.MAX_VALUE, Number.NaN]);
    case 'int64':
      return random.chance(0.6) ? random.pick(INT64_EDGES) : BigInt(random.int(2 ** 30)) * (random.chance(0.5) ? 1n : -1n);
    case 'bool':
      return random.chance(0.5);
    case 'uuid':
      return random.chance(0.3) ? 'AAAAAAAAAAAAAAAAAAAAAA' : random.bytes(16).toString('base64url');
    case 'string':
      if (type.nullable && random.chance(0.15)) return null;
      return random.chance(0.5) ? random.pick(STRING_EDGES) : random.bytes(random.int(12)).toString('hex');
    case 'bytes':
      if (type.nullable && random.chance(0.15)) return null;
      return random.bytes(random.chance(0.9) ? random.int(16) : random.int(4096));
    case 'records':
      if (random.chance(0.2)) return null;
      if (random.chance(0.5)) return random.bytes(random.int(80));
      return encodeRecordBatch([{ value: random.bytes(random.int(64)) }]);
    case 'array': {
      if (type.nullable && random.chance(0.15)) return null;
      const length = depth > 2 ? 0 : random.chance(0.3) ? 0 : 1 + random.int(3);
      return Array.from({ length }, () => randomValue(type.items, random, depth + 1));
    }
    case 'struct': {
      const out: Record<string, unknown> = {};
      for (const [name, field] of Object.entries(type.fields)) out[name] = randomField(field, random, depth + 1);
      return out;
    }
  }
}
