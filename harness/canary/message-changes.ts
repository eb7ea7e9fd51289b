// What a Kafka release changed in the protocol, read from the message definitions its kafka-clients
// jar carries: APIs added or removed, versions added or removed, and the fields each new version
// adds or drops, named as Kafka names them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inRange, loadDefinitions, versionsOf, type KafkaField, type KafkaMessage } from '@kafka-chaos/protocol/kafka-definitions';
import { HarnessError } from '../errors.js';
import type { KafkaInstall } from '../provision/kafka.js';
import { requireTool } from '../provision/tools.js';

/** Unpacks common/message/*.json from an installation's kafka-clients jar (JDK's `jar`) into `dest`. */
export function extractMessageDefinitions(install: KafkaInstall, dest: string): string {
  const jar = readdirSync(install.libs).find((f) => /^kafka-clients-\d+\.\d+\.\d+\.jar$/.test(f));
  if (jar === undefined) throw new HarnessError(`no kafka-clients jar in ${install.libs}`);
  requireTool('jar', "read the message definitions in Kafka's kafka-clients jar");
  mkdirSync(dest, { recursive: true });
  const unpack = spawnSync('jar', ['xf', join(install.libs, jar), 'common/message'], { cwd: dest, encoding: 'utf8' });
  const dir = join(dest, 'common', 'message');
  if (unpack.status !== 0 || !existsSync(dir)) throw new HarnessError(`could not unpack the message definitions of ${jar}: ${unpack.stderr}`);
  return dir;
}

/** Field paths ("Topics.TopicId") present in one version, nested structures included. */
function fieldsAt(message: KafkaMessage, version: number): Set<string> {
  const structs = new Map((message.commonStructs ?? []).map((s) => [s.name, s.fields]));
  const found = new Set<string>();
  const walk = (fields: readonly KafkaField[], prefix: string) => {
    for (const field of fields) {
      if (!inRange(field.versions, version)) continue;
      const path = `${prefix}${field.name}`;
      found.add(path);
      const element = field.type.replace(/^\[\]/, '');
      const nested = field.fields ?? structs.get(element);
      if (nested) walk(nested, `${path}.`);
    }
  };
  walk(message.fields, '');
  return found;
}

/** Paths in `a` and not in `b`; a structure's own fields are not listed when the structure is. */
function minus(a: Set<string>, b: Set<string>): string[] {
  const only = [...a].filter((x) => !b.has(x));
  return only.filter((path) => !only.some((parent) => path.startsWith(`${parent}.`)));
}

function fieldChanges(type: string, added: string[], dropped: string[]): string[] {
  return [...(added.length ? [`${type} adds ${added.join(', ')}`] : []), ...(dropped.length ? [`${type} drops ${dropped.join(', ')}`] : [])];
}

type Pair = { request?: KafkaMessage; response?: KafkaMessage };

function byApiKey(messages: KafkaMessage[]): Map<number, Pair> {
  const out = new Map<number, Pair>();
  for (const m of messages) out.set(m.apiKey, { ...out.get(m.apiKey), [m.type]: m });
  return out;
}

function apiLabel(pair: Pair, apiKey: number): string {
  return `${(pair.request ?? pair.response)!.name.replace(/(Request|Response)$/, '')} (${apiKey})`;
}

/** One line per API whose definition changed between the two folders, in API key order. */
export function messageChanges(olderDir: string, newerDir: string): string[] {
  const older = byApiKey(loadDefinitions(olderDir));
  const newer = byApiKey(loadDefinitions(newerDir));
  const lines: string[] = [];
  for (const apiKey of [...new Set([...older.keys(), ...newer.keys()])].sort((a, b) => a - b)) {
    const before = older.get(apiKey);
    const after = newer.get(apiKey);
    if (before?.request === undefined) {
      lines.push(`${apiLabel(after!, apiKey)}: a new API, versions ${after!.request?.validVersions ?? '?'}`);
      continue;
    }
    if (after?.request === undefined) {
      lines.push(`${apiLabel(before, apiKey)}: removed (was versions ${before.request.validVersions})`);
      continue;
    }
    const changes: string[] = [];
    const was = versionsOf(before.request.validVersions);
    const now = versionsOf(after.request.validVersions);
    for (const version of now.filter((v) => !was.includes(v))) {
      const fields = (['request', 'response'] as const).flatMap((type) => {
        const message = after[type];
        if (message === undefined || !now.includes(version - 1)) return [];
        const at = fieldsAt(message, version);
        const previous = fieldsAt(message, version - 1);
        return fieldChanges(type, minus(at, previous), minus(previous, at));
      });
      changes.push(`v${version} added${fields.length ? ` (${fields.join('; ')})` : ''}`);
    }
    const removed = was.filter((v) => !now.includes(v));
    if (removed.length) changes.push(`v${removed.join(', v')} removed`);
    // Versions both releases serve should be byte-for-byte the same; a rename is harmless on the wire but named.
    for (const type of ['request', 'response'] as const) {
      const a = before[type];
      const b = after[type];
      if (a === undefined || b === undefined) continue;
      if (a.flexibleVersions !== b.flexibleVersions) changes.push(`${type} flexible versions ${a.flexibleVersions} → ${b.flexibleVersions}`);
      const differing = was
        .filter((v) => now.includes(v))
        .map((v) => ({ v, added: minus(fieldsAt(b, v), fieldsAt(a, v)), dropped: minus(fieldsAt(a, v), fieldsAt(b, v)) }))
        .filter((d) => d.added.length || d.dropped.length);
      if (differing.length) {
        const { added, dropped } = differing[0]!;
        const versions = differing.length === 1 ? `v${differing[0]!.v}` : `v${differing[0]!.v}-${differing.at(-1)!.v}`;
        changes.push(`${versions} ${fieldChanges(type, added, dropped).join('; ')}`);
      }
    }
    if (changes.length) lines.push(`${apiLabel(after, apiKey)}: ${changes.join('; ')}`);
  }
  return lines;
}
