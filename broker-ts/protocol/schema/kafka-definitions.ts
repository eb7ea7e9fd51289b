// Reading Apache Kafka's message definitions (clients/src/main/resources/common/message/*.json,
// shipped in every kafka-clients jar): JSON with line comments, one file per request or response,
// version ranges written "0-4", "3+" or "none".
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface KafkaField {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  fields?: KafkaField[];
}

export interface KafkaMessage {
  apiKey: number;
  type: 'request' | 'response';
  name: string;
  validVersions: string;
  flexibleVersions: string;
  fields: KafkaField[];
  commonStructs?: { name: string; fields: KafkaField[] }[];
}

export function parseDefinition(text: string): KafkaMessage {
  return JSON.parse(text.replace(/^\s*\/\/.*$/gm, '')) as KafkaMessage;
}

/** Whether `version` is inside a range such as "0-4", "3+", "2" or "none". */
export function inRange(spec: string | undefined, version: number): boolean {
  if (spec === undefined || spec === 'none') return false;
  if (spec.endsWith('+')) return version >= Number(spec.slice(0, -1));
  const [low, high] = spec.split('-');
  return high === undefined ? version === Number(low) : version >= Number(low) && version <= Number(high);
}

/** The versions in a closed range ("0-4", "2"); an open one ("3+") cannot be a message's valid versions. */
export function versionsOf(spec: string): number[] {
  if (spec === 'none') return [];
  const [low, high] = spec.split('-');
  const from = Number(low);
  const to = high === undefined ? from : Number(high);
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Every request and response definition in a folder (other message files, such as records, are left out). */
export function loadDefinitions(dir: string): KafkaMessage[] {
  return readdirSync(dir)
    .filter((file) => /(Request|Response)\.json$/.test(file))
    .map((file) => parseDefinition(readFileSync(join(dir, file), 'utf8')));
}
