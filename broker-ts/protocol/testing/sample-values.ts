// Deterministic example messages built from a schema, for round-trip tests and fuzzing seeds.
// "Populated" values differ from every field's default, so that tagged fields are really written
// and a field decoded into the wrong place cannot pass for its neighbour.
import type { Field, StructType, Type } from '../schema/types.js';
import { fieldType, isTagged } from '../schema/types.js';

export type SampleStyle = 'populated' | 'minimal';

class Seed {
  private next = 1;
  take(): number {
    return this.next++;
  }
}

/** A value for every field of `schema`: populated (no defaults, two elements per array) or minimal. */
export function sampleMessage(schema: StructType, style: SampleStyle = 'populated'): Record<string, unknown> {
  return sampleStruct(schema, style, new Seed());
}

function sampleStruct(struct: StructType, style: SampleStyle, seed: Seed): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(struct.fields)) out[name] = sampleField(field, style, seed);
  return out;
}

function sampleField(field: Field, style: SampleStyle, seed: Seed): unknown {
  const type = fieldType(field);
  const declaredDefault = field.kind === 'field' ? field.default : undefined;
  // A minimal tagged field is left at its default, i.e. absent from the wire.
  if (style === 'minimal' && isTagged(field) && declaredDefault !== undefined) return declaredDefault;
  const value = sampleValue(type, style, seed, isTagged(field));
  if (type.kind === 'bool' && declaredDefault === true && style === 'populated') return false;
  return value;
}

function sampleValue(type: Type, style: SampleStyle, seed: Seed, tagged: boolean): unknown {
  const n = seed.take();
  const minimal = style === 'minimal';
  switch (type.kind) {
    case 'int8':
      return minimal ? 0 : 10 + (n % 100);
    case 'int16':
      return minimal ? 0 : 1000 + n;
    case 'int32':
      return minimal ? 0 : 100_000 + n;
    case 'uint16':
      return minimal ? 0 : 40_000 + (n % 20_000);
    case 'uint32':
      return minimal ? 0 : 3_000_000_000 + n;
    case 'float64':
      return minimal ? 0 : n + 0.5;
    case 'int64':
      return minimal ? 0n : 10_000_000_000n + BigInt(n);
    case 'bool':
      return !minimal;
    case 'uuid': {
      const bytes = Buffer.alloc(16);
      if (!minimal) bytes.writeUInt32BE(0xa5a50000 + n, 4);
      return bytes.toString('base64url');
    }
    case 'string':
      if (minimal) return type.nullable && !tagged ? null : '';
      return `s${n}-é`;
    case 'bytes':
      if (minimal) return type.nullable && !tagged ? null : Buffer.alloc(0);
      return Buffer.from([n & 0xff, 0, 0xff, (n >> 8) & 0xff]);
    case 'records':
      return minimal ? null : Buffer.from(`records-${n}`);
    case 'array':
      if (minimal) return type.nullable && !tagged ? null : [];
      return [sampleValue(type.items, style, seed, false), sampleValue(type.items, style, seed, false)];
    case 'struct':
      if (minimal && type.nullable && !tagged) return null;
      return sampleStruct(type, style, seed);
  }
}
