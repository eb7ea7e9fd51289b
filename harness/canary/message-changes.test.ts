import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { messageChanges } from './message-changes.js';

const root = mkdtempSync(join(tmpdir(), 'message-changes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function release(name: string, messages: Record<string, object>): string {
  const dir = join(root, name);
  mkdirSync(dir);
  // Kafka's files carry a licence header and line comments.
  for (const [file, body] of Object.entries(messages))
    writeFileSync(join(dir, `${file}.json`), `// Licensed to the ASF\n// a comment\n${JSON.stringify(body, null, 2)}\n`);
  return dir;
}

const apiVersions = (validVersions: string, extra: object[] = []) => ({
  apiKey: 18,
  type: 'request',
  name: 'ApiVersionsRequest',
  validVersions,
  flexibleVersions: '3+',
  fields: [{ name: 'ClientSoftwareName', type: 'string', versions: '3+' }, ...extra],
});
const response = (apiKey: number, name: string, validVersions: string) => ({
  apiKey,
  type: 'response',
  name: `${name}Response`,
  validVersions,
  flexibleVersions: '3+',
  fields: [],
});

describe('messageChanges', () => {
  it('names added and removed APIs, added versions with their fields, and renames in versions both have', () => {
    const older = release('4.4.0', {
      ApiVersionsRequest: apiVersions('0-4'),
      ApiVersionsResponse: response(18, 'ApiVersions', '0-4'),
      OldRequest: { apiKey: 90, type: 'request', name: 'OldRequest', validVersions: '0', flexibleVersions: '0+', fields: [] },
      CommitRequest: {
        apiKey: 28,
        type: 'request',
        name: 'CommitRequest',
        validVersions: '0-1',
        flexibleVersions: '1+',
        fields: [
          { name: 'GenerationId', type: 'int32', versions: '1+' },
          { name: 'Topics', type: '[]Topic', versions: '0+', fields: [{ name: 'Name', type: 'string', versions: '0+' }] },
        ],
      },
    });
    const newer = release('4.5.0', {
      ApiVersionsRequest: apiVersions('0-5', [
        { name: 'ClusterId', type: 'string', versions: '5+' },
        { name: 'NodeId', type: 'int32', versions: '5+' },
      ]),
      ApiVersionsResponse: response(18, 'ApiVersions', '0-5'),
      NewRequest: { apiKey: 95, type: 'request', name: 'NewRequest', validVersions: '0-1', flexibleVersions: '0+', fields: [] },
      CommitRequest: {
        apiKey: 28,
        type: 'request',
        name: 'CommitRequest',
        validVersions: '1-2',
        flexibleVersions: '1+',
        fields: [
          { name: 'GenerationIdOrMemberEpoch', type: 'int32', versions: '1+' },
          {
            name: 'Topics',
            type: '[]Topic',
            versions: '0+',
            fields: [
              { name: 'Name', type: 'string', versions: '0-1' },
              { name: 'TopicId', type: 'uuid', versions: '2+' },
            ],
          },
        ],
      },
    });
    expect(messageChanges(older, newer)).toEqual([
      'ApiVersions (18): v5 added (request adds ClusterId, NodeId)',
      'Commit (28): v2 added (request adds Topics.TopicId; request drops Topics.Name); v0 removed; v1 request adds GenerationIdOrMemberEpoch; request drops GenerationId',
      'Old (90): removed (was versions 0)',
      'New (95): a new API, versions 0-1',
    ]);
    expect(messageChanges(older, older)).toEqual([]);
  });
});
