// Every request and response of every registered API version, encoded and decoded through the same
// entry points the broker and the client use.
import { describe, expect, it } from 'vitest';
import { API_LIST } from '../registry.js';
import type { SupportedApiKey } from '../registry.js';
import { isFlexibleVersion } from './api.js';
import { decodeRequest, encodeRequest } from '../request-codec.js';
import { decodeResponse, encodeResponse } from '../response-codec.js';
import { UNKNOWN_TAGGED_FIELDS } from '../schema/compile.js';
import { isTagged } from '../schema/types.js';
import type { StructType } from '../schema/types.js';
import { sampleMessage } from '../testing/sample-values.js';
import type { SampleStyle } from '../testing/sample-values.js';

const cases = API_LIST.flatMap((api) =>
  Array.from({ length: api.maxVersion - api.minVersion + 1 }, (_, i) => {
    const version = api.minVersion + i;
    return { api, version, label: `${api.name} v${version}` };
  }),
);

function unframe(frame: Buffer): Buffer {
  expect(frame.readInt32BE(0)).toBe(frame.length - 4);
  return frame.subarray(4);
}

function roundTripRequest(apiKey: SupportedApiKey, version: number, body: Record<string, unknown>) {
  const frame = encodeRequest({ apiKey, apiVersion: version, correlationId: 42, clientId: 'rt' }, body as never);
  const decoded = decodeRequest(unframe(frame));
  expect(decoded.header).toEqual({ apiKey, apiVersion: version, correlationId: 42, clientId: 'rt' });
  return { frame, decoded: decoded.body as Record<string, unknown> };
}

function roundTripResponse(apiKey: SupportedApiKey, version: number, body: Record<string, unknown>) {
  const frame = encodeResponse({ correlationId: 7 }, apiKey, version, body as never);
  const decoded = decodeResponse(unframe(frame), apiKey, version);
  expect(decoded.header.correlationId).toBe(7);
  return { frame, decoded: decoded.body as Record<string, unknown> };
}

function countTaggedFields(struct: StructType): number {
  let count = 0;
  for (const field of Object.values(struct.fields)) {
    if (isTagged(field)) count++;
    const type = field.kind === 'field' ? field.type : field;
    const element = type.kind === 'array' ? type.items : type;
    if (element.kind === 'struct') count += countTaggedFields(element);
  }
  return count;
}

describe.each(['populated', 'minimal'] as SampleStyle[])('%s messages', (style) => {
  it.each(cases)('$label request and response round-trip', ({ api, version }) => {
    const schemas = api.versions[version]!;
    const apiKey = api.apiKey as SupportedApiKey;

    const request = sampleMessage(schemas.request, style);
    const sentRequest = roundTripRequest(apiKey, version, request);
    expect(sentRequest.decoded).toEqual(request);
    // Re-encoding what was decoded reproduces the bytes.
    expect(roundTripRequest(apiKey, version, sentRequest.decoded).frame).toEqual(sentRequest.frame);

    const response = sampleMessage(schemas.response, style);
    const sentResponse = roundTripResponse(apiKey, version, response);
    expect(sentResponse.decoded).toEqual(response);
    expect(roundTripResponse(apiKey, version, sentResponse.decoded).frame).toEqual(sentResponse.frame);
  });
});

describe('flexible versions', () => {
  const flexible = cases.filter(({ api, version }) => isFlexibleVersion(api, version));

  it.each([
    ['Fetch', 12, 'request'],
    ['Fetch', 12, 'response'],
    ['Produce', 10, 'response'],
    ['ApiVersions', 3, 'response'],
    ['CreateTopics', 5, 'response'],
    ['BrokerHeartbeat', 1, 'request'],
  ] as const)('%s v%d %s has tagged fields', (name, version, side) => {
    const api = API_LIST.find((a) => a.name === name)!;
    expect(countTaggedFields(api.versions[version]![side])).toBeGreaterThan(0);
  });

  it.each(flexible)('$label keeps unknown tagged fields of the top-level struct', ({ api, version }) => {
    const schemas = api.versions[version]!;
    const apiKey = api.apiKey as SupportedApiKey;
    const body = sampleMessage(schemas.response, 'populated');
    Object.defineProperty(body, UNKNOWN_TAGGED_FIELDS, {
      value: [{ tag: 999, data: Buffer.from('future') }],
      enumerable: false,
    });
    const { frame, decoded } = roundTripResponse(apiKey, version, body);
    expect(decoded).toEqual(body);
    expect((decoded as Record<symbol, unknown>)[UNKNOWN_TAGGED_FIELDS]).toEqual([{ tag: 999, data: Buffer.from('future') }]);
    expect(frame.includes(Buffer.from('future'))).toBe(true);
  });
});

describe('non-flexible versions', () => {
  const legacy = cases.filter(({ api, version }) => !isFlexibleVersion(api, version));

  it.each(legacy)('$label has no tagged fields', ({ api, version }) => {
    const schemas = api.versions[version]!;
    expect(countTaggedFields(schemas.request) + countTaggedFields(schemas.response)).toBe(0);
  });
});
