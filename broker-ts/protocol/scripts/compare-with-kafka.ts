// Compares broker-ts's hand-written schemas with Apache Kafka's message definitions
// (clients/src/main/resources/common/message/*.json, found in the kafka-clients jar or a source
// checkout), version by version: field names, order, types, nullability, tags and defaults.
//
//   npx tsx broker-ts/protocol/scripts/compare-with-kafka.ts DIR [DIR...]
//
// For each API version the first DIR whose definition covers that version is used, so a newer
// Kafka's directory can come first and an older one after it for versions since removed.
// Exits non-zero when anything differs or a version is covered by no DIR.
import { API_LIST } from '../registry.js';
import { isFlexibleVersion } from '../apis/api.js';
import { zeroValue } from '../schema/compile.js';
import { inRange, loadDefinitions, type KafkaField } from '../schema/kafka-definitions.js';
import type { Field, StructType, Type } from '../schema/types.js';
import { ZERO_UUID, fieldType, isTagged } from '../schema/types.js';

function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** A field reduced to what decides its bytes on the wire. */
interface Shape {
  name: string;
  type: string;
  nullable: boolean;
  tag: number | undefined;
  default: string;
  children: Shape[] | undefined;
}

const PRIMITIVES = new Set(['int8', 'int16', 'int32', 'int64', 'uint16', 'uint32', 'float64', 'bool', 'uuid', 'string', 'bytes', 'records']);

function kafkaShapes(fields: KafkaField[], version: number, structs: Map<string, KafkaField[]>): Shape[] {
  const shapes: Shape[] = [];
  for (const field of fields) {
    if (!inRange(field.versions, version)) continue;
    const isArray = field.type.startsWith('[]');
    const element = isArray ? field.type.slice(2) : field.type;
    const nested = PRIMITIVES.has(element) ? undefined : (field.fields ?? structs.get(element));
    if (!PRIMITIVES.has(element) && nested === undefined) throw new Error(`unknown type ${field.type}`);
    const nullable = inRange(field.nullableVersions, version);
    shapes.push({
      name: camel(field.name),
      type: isArray ? `[]${nested ? 'struct' : element}` : nested ? 'struct' : element,
      nullable,
      tag: inRange(field.taggedVersions, version) ? field.tag : undefined,
      default: kafkaDefault(field, isArray, element, nullable),
      children: nested && kafkaShapes(nested, version, structs),
    });
  }
  return shapes;
}

function kafkaDefault(field: KafkaField, isArray: boolean, element: string, nullable: boolean): string {
  const given = field.default;
  if (isArray || !PRIMITIVES.has(element)) return given === 'null' ? 'null' : 'empty';
  if (given === undefined) {
    if (element === 'records') return 'null';
    if (element === 'bytes') return 'empty';
    if (element === 'string') return '""';
    if (element === 'uuid') return ZERO_UUID;
    if (element === 'bool') return 'false';
    return '0';
  }
  if (given === 'null' && nullable) return 'null';
  if (element === 'string') return JSON.stringify(String(given));
  if (element === 'bool') return String(given);
  return String(BigInt(String(given)));
}

function ourShapes(struct: StructType): Shape[] {
  return Object.entries(struct.fields).map(([name, field]) => ourShape(name, field));
}

function ourShape(name: string, field: Field): Shape {
  const type = fieldType(field);
  const element: Type = type.kind === 'array' ? type.items : type;
  const elementName = element.kind === 'struct' ? 'struct' : element.kind;
  return {
    name,
    type: type.kind === 'array' ? `[]${elementName}` : elementName,
    nullable: type.kind === 'records' || ('nullable' in type && type.nullable),
    tag: isTagged(field) ? field.tag : undefined,
    default: ourDefault(field, type),
    children: element.kind === 'struct' ? ourShapes(element) : undefined,
  };
}

function ourDefault(field: Field, type: Type): string {
  const value = field.kind === 'field' && field.default !== undefined ? field.default : zeroValue(type);
  if (value === null) return 'null';
  if (Array.isArray(value) || Buffer.isBuffer(value) || type.kind === 'struct') return 'empty';
  if (typeof value === 'string' && type.kind === 'string') return JSON.stringify(value);
  return String(value);
}

function describe(shape: Shape): string {
  const extras = [shape.nullable ? 'nullable' : '', shape.tag !== undefined ? `tag ${shape.tag}` : '', `default ${shape.default}`];
  return `${shape.name}: ${shape.type} ${extras.filter(Boolean).join(', ')}`;
}

function compare(path: string, expected: Shape[], actual: Shape[], problems: string[]): void {
  const length = Math.max(expected.length, actual.length);
  for (let i = 0; i < length; i++) {
    const want = expected[i];
    const have = actual[i];
    if (want === undefined || have === undefined || describe(want) !== describe(have)) {
      problems.push(`${path}[${i}]: Kafka has ${want ? describe(want) : 'nothing'}, broker-ts has ${have ? describe(have) : 'nothing'}`);
      // Once positions disagree, everything after them would be reported too.
      if (want?.name !== have?.name) return;
      continue;
    }
    if (want.children && have.children) compare(`${path}.${want.name}`, want.children, have.children, problems);
  }
}

function main(dirs: string[]): number {
  if (dirs.length === 0) {
    console.error('usage: compare-with-kafka.ts DIR [DIR...]');
    return 2;
  }
  const sources = dirs.map(loadDefinitions);
  let failures = 0;
  let checked = 0;
  for (const api of API_LIST) {
    for (let version = api.minVersion; version <= api.maxVersion; version++) {
      for (const type of ['request', 'response'] as const) {
        const definition = sources
          .map((messages) => messages.find((m) => m.apiKey === api.apiKey && m.type === type))
          .find((m) => m !== undefined && inRange(m.validVersions, version));
        const label = `${api.name} v${version} ${type}`;
        if (definition === undefined) {
          console.log(`MISSING ${label}: no definition covers this version`);
          failures++;
          continue;
        }
        const problems: string[] = [];
        if (inRange(definition.flexibleVersions, version) !== isFlexibleVersion(api, version)) {
          problems.push(`flexible: Kafka ${inRange(definition.flexibleVersions, version)}, broker-ts ${isFlexibleVersion(api, version)}`);
        }
        const structs = new Map((definition.commonStructs ?? []).map((s) => [s.name, s.fields]));
        const schemas = api.versions[version];
        if (schemas === undefined) throw new Error(`${label} is not registered`);
        compare(label, kafkaShapes(definition.fields, version, structs), ourShapes(schemas[type]), problems);
        checked++;
        if (problems.length > 0) {
          failures++;
          console.log(`DIFF ${label}\n  ${problems.join('\n  ')}`);
        }
      }
    }
  }
  console.log(`${checked} message versions compared, ${failures} with differences`);
  return failures === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
