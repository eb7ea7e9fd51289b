import { describe, expect, it } from 'vitest';
import { ApiKey } from './api-keys.js';
import { ProtocolError } from './codec/protocol-error.js';
import { Writer } from './codec/writer.js';
import { writeRequestHeader } from './headers.js';
import { UnsupportedRequestError, decodeRequest, encodeRawRequest, encodeRequest } from './request-codec.js';
import { API_LIST } from './registry.js';
import type { SupportedApiKey } from './registry.js';
import { sampleMessage } from './testing/sample-values.js';

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

function unframed(frame: Buffer): Buffer {
  return frame.subarray(4);
}

describe('decodeRequest', () => {
  it('types the body by API key', () => {
    const frame = encodeRequest(
      { apiKey: ApiKey.Heartbeat, apiVersion: 4, correlationId: 1, clientId: 'c' },
      { groupId: 'g', generationId: 3, memberId: 'm', groupInstanceId: null },
    );
    const request = decodeRequest(unframed(frame));
    if (request.apiKey !== ApiKey.Heartbeat) throw new Error('wrong api');
    expect(request.body.generationId).toBe(3);
    expect(request.flexible).toBe(true);
  });

  it('reports an unknown API key with the parsed header', () => {
    const frame = encodeRawRequest({ apiKey: 1000, apiVersion: 0, correlationId: 77, clientId: 'x' }, Buffer.alloc(0));
    const error = errorOf(() => decodeRequest(unframed(frame)));
    expect(error).toBeInstanceOf(UnsupportedRequestError);
    expect((error as UnsupportedRequestError).reason).toBe('unknown-api-key');
    expect((error as UnsupportedRequestError).header).toMatchObject({ apiKey: 1000, correlationId: 77, clientId: 'x' });
  });

  it('reports a version outside the implemented range', () => {
    const frame = encodeRawRequest({ apiKey: ApiKey.Produce, apiVersion: 2, correlationId: 5, clientId: null }, Buffer.alloc(0));
    const error = errorOf(() => decodeRequest(unframed(frame))) as UnsupportedRequestError;
    expect(error).toBeInstanceOf(UnsupportedRequestError);
    expect(error.reason).toBe('unsupported-version');
  });

  it('reads the flexible header of an ApiVersions version newer than it knows, without the body', () => {
    // A future client: header v2 with a tagged field, then a body of unknown layout.
    const w = new Writer();
    writeRequestHeader(
      w,
      { apiKey: ApiKey.ApiVersions, apiVersion: 9, correlationId: 12, clientId: 'future', taggedFields: [{ tag: 3, data: Buffer.from([1]) }] },
      2,
    );
    w.raw(Buffer.from('ffffffffff', 'hex'));
    const error = errorOf(() => decodeRequest(w.toBuffer())) as UnsupportedRequestError;
    expect(error).toBeInstanceOf(UnsupportedRequestError);
    expect(error.header).toMatchObject({ apiKey: 18, apiVersion: 9, correlationId: 12, clientId: 'future' });
  });

  it('rejects a header too short to hold the API key, version and correlation id', () => {
    const error = errorOf(() => decodeRequest(Buffer.from('00120000', 'hex')));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).reason).toBe('bad-header');
  });

  it('names the API and version when a body is malformed', () => {
    const frame = encodeRequest({ apiKey: ApiKey.Metadata, apiVersion: 1, correlationId: 5, clientId: 'c' }, { topics: [{ name: 'abc' }] });
    const error = errorOf(() => decodeRequest(unframed(frame).subarray(0, -1))) as ProtocolError;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toMatch(/^Metadata v1 request: /);
  });

  it('rejects a huge array count in a tiny frame without allocating for it', () => {
    const w = new Writer();
    writeRequestHeader(w, { apiKey: ApiKey.Metadata, apiVersion: 1, correlationId: 1, clientId: null }, 1);
    w.int32(0x7fffffff); // two billion topics, in a frame of a few bytes
    const before = process.memoryUsage().arrayBuffers;
    const error = errorOf(() => decodeRequest(w.toBuffer())) as ProtocolError;
    expect(error.reason).toBe('count-exceeds-input');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('rejects a negative array count and a huge string length', () => {
    const header = new Writer();
    writeRequestHeader(header, { apiKey: ApiKey.Metadata, apiVersion: 1, correlationId: 1, clientId: null }, 1);
    const negative = Buffer.concat([header.toBuffer(), Buffer.from('fffffffe', 'hex')]);
    expect((errorOf(() => decodeRequest(negative)) as ProtocolError).reason).toBe('negative-length');
    const longName = Buffer.concat([header.toBuffer(), Buffer.from('00000001' + '7fff' + '61', 'hex')]);
    expect((errorOf(() => decodeRequest(longName)) as ProtocolError).reason).toBe('length-exceeds-input');
  });
});

/** Deterministic pseudo-random numbers (mulberry32), so failures can be replayed. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('malformed requests of every API version', () => {
  const cases = API_LIST.flatMap((api) =>
    Array.from({ length: api.maxVersion - api.minVersion + 1 }, (_, i) => ({
      api,
      version: api.minVersion + i,
      label: `${api.name} v${api.minVersion + i}`,
    })),
  );

  it.each(cases)('$label: every truncation is a ProtocolError', ({ api, version }) => {
    const body = sampleMessage(api.versions[version]!.request);
    const frame = unframed(encodeRequest({ apiKey: api.apiKey as SupportedApiKey, apiVersion: version, correlationId: 1, clientId: 'c' }, body as never));
    for (let length = 0; length < frame.length; length++) {
      const error = errorOf(() => decodeRequest(frame.subarray(0, length)));
      expect(error, `truncated to ${length} of ${frame.length} bytes`).toBeInstanceOf(ProtocolError);
    }
  });

  it.each(cases)('$label: corrupted bytes never raise anything but protocol errors', ({ api, version }) => {
    const body = sampleMessage(api.versions[version]!.request);
    const frame = unframed(encodeRequest({ apiKey: api.apiKey as SupportedApiKey, apiVersion: version, correlationId: 1, clientId: 'c' }, body as never));
    const random = prng(api.apiKey * 100 + version);
    for (let round = 0; round < 200; round++) {
      const corrupted = Buffer.from(frame);
      const flips = 1 + Math.floor(random() * 4);
      for (let i = 0; i < flips; i++) corrupted[Math.floor(random() * corrupted.length)] = Math.floor(random() * 256);
      const error = errorOf(() => decodeRequest(corrupted));
      if (error !== undefined && !(error instanceof ProtocolError) && !(error instanceof UnsupportedRequestError)) {
        throw new Error(`round ${round}: ${corrupted.toString('hex')} raised ${String(error)}`);
      }
    }
  });
});
