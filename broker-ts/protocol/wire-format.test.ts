// Byte vectors derived by hand from the Kafka protocol specification, so that encoding is checked
// against the format itself and not only against the decoder.
import { describe, expect, it } from 'vitest';
import { ApiKey } from './api-keys.js';
import { decodeRequest, encodeRequest } from './request-codec.js';
import { decodeResponse, encodeResponse, encodeUnsupportedApiVersionsResponse } from './response-codec.js';
import { requestHeaderVersion, responseHeaderVersion } from './headers.js';

function hex(...parts: string[]): Buffer {
  return Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');
}

function framed(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

describe('request vectors', () => {
  it('ApiVersions v0: header v1 and an empty body', () => {
    const expected = framed(
      hex(
        '0012', // api key 18
        '0000', // version 0
        '00000001', // correlation id
        '0007',
        '6b61666b616a73', // client id "kafkajs", int16 length
      ),
    );
    const frame = encodeRequest({ apiKey: ApiKey.ApiVersions, apiVersion: 0, correlationId: 1, clientId: 'kafkajs' }, {});
    expect(frame).toEqual(expected);
    expect(decodeRequest(expected.subarray(4))).toMatchObject({ apiKey: 18, apiVersion: 0, body: {} });
  });

  it('Metadata v1: a null topic array asks for all topics', () => {
    const expected = framed(hex('0003', '0001', '00000005', '0001', '63', 'ffffffff'));
    const frame = encodeRequest({ apiKey: ApiKey.Metadata, apiVersion: 1, correlationId: 5, clientId: 'c' }, { topics: null });
    expect(frame).toEqual(expected);
  });

  it('Metadata v1 with one topic', () => {
    const frame = encodeRequest({ apiKey: ApiKey.Metadata, apiVersion: 1, correlationId: 5, clientId: 'c' }, { topics: [{ name: 'a' }] });
    expect(frame).toEqual(framed(hex('0003', '0001', '00000005', '0001', '63', '00000001', '0001', '61')));
  });

  it('ApiVersions v3: header v2 keeps an int16 client id, the body is compact', () => {
    const expected = framed(
      hex(
        '0012',
        '0003',
        '00000002',
        '0002',
        '6a73', // client id "js": still int16-prefixed in header v2
        '00', // header tagged fields
        '02',
        '78', // clientSoftwareName "x": compact (length + 1)
        '02',
        '31', // clientSoftwareVersion "1"
        '00', // body tagged fields
      ),
    );
    const frame = encodeRequest(
      { apiKey: ApiKey.ApiVersions, apiVersion: 3, correlationId: 2, clientId: 'js' },
      { clientSoftwareName: 'x', clientSoftwareVersion: '1' },
    );
    expect(frame).toEqual(expected);
    expect(decodeRequest(expected.subarray(4)).body).toEqual({ clientSoftwareName: 'x', clientSoftwareVersion: '1' });
  });

  it('Produce v3: records are int32-length bytes inside the topic and partition arrays', () => {
    const records = Buffer.from('0102', 'hex');
    const frame = encodeRequest(
      { apiKey: ApiKey.Produce, apiVersion: 3, correlationId: 3, clientId: null },
      { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records }] }] },
    );
    expect(frame).toEqual(
      framed(
        hex(
          '0000',
          '0003',
          '00000003',
          'ffff', // null client id
          'ffff', // transactionalId null
          'ffff', // acks -1
          '000003e8', // timeout 1000
          '00000001',
          '0001',
          '74', // one topic "t"
          '00000001',
          '00000000',
          '00000002',
          '0102', // one partition, index 0, 2 bytes of records
        ),
      ),
    );
  });

  it('Produce v9: the same request in the flexible encoding', () => {
    const frame = encodeRequest(
      { apiKey: ApiKey.Produce, apiVersion: 9, correlationId: 3, clientId: null },
      { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records: null }] }] },
    );
    expect(frame).toEqual(
      framed(
        hex(
          '0000',
          '0009',
          '00000003',
          'ffff',
          '00', // header v2: null client id, no tagged fields
          '00', // transactionalId null (compact)
          '0001',
          '000003e8',
          '02',
          '0274', // one topic "t"
          '02',
          '00000000',
          '00',
          '00', // one partition, records null, partition tagged fields
          '00', // topic tagged fields
          '00', // body tagged fields
        ),
      ),
    );
  });
});

describe('response vectors', () => {
  it('ApiVersions v0 response: header v0', () => {
    const frame = encodeResponse({ correlationId: 1 }, ApiKey.ApiVersions, 0, {
      errorCode: 0,
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }],
    });
    expect(frame).toEqual(framed(hex('00000001', '0000', '00000001', '0012', '0000', '0004')));
  });

  it('ApiVersions v3 response: still header v0, tagged fields in the body only', () => {
    const frame = encodeResponse({ correlationId: 2 }, ApiKey.ApiVersions, 3, {
      errorCode: 0,
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }],
      throttleTimeMs: 0,
      finalizedFeaturesEpoch: 5n,
    });
    const expected = framed(
      hex(
        '00000002', // header v0: no tagged-field section
        '0000',
        '02',
        '0012',
        '0000',
        '0004',
        '00', // compact array of one ApiVersion, with its tagged fields
        '00000000', // throttle time
        '01',
        '01',
        '08',
        '0000000000000005', // one tagged field: tag 1 (finalizedFeaturesEpoch), 8 bytes
      ),
    );
    expect(frame).toEqual(expected);
    expect(decodeResponse(expected.subarray(4), ApiKey.ApiVersions, 3).body).toEqual({
      errorCode: 0,
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }],
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: 5n,
      finalizedFeatures: [],
      zkMigrationReady: false,
    });
  });

  it('Heartbeat v4 response: header v1 has a tagged-field section', () => {
    const frame = encodeResponse({ correlationId: 9 }, ApiKey.Heartbeat, 4, { throttleTimeMs: 0, errorCode: 27 });
    expect(frame).toEqual(framed(hex('00000009', '00', '00000000', '001b', '00')));
  });

  it("an ApiVersions request of an unknown version is answered in Kafka's v0 fallback layout", () => {
    // Byte for byte what Kafka 4.4.0 answered to an ApiVersions v99 request.
    expect(encodeUnsupportedApiVersionsResponse(9)).toEqual(framed(hex('00000009', '0023', '00000001', '0012', '0000', '0005')));
  });

  it('a client reading that fallback as a newer ApiVersions version retries it as v0, as Kafka clients do', () => {
    const body = hex('00000009', '0023', '00000001', '0012', '0000', '0004');
    expect(decodeResponse(body, ApiKey.ApiVersions, 3).body).toEqual({
      errorCode: 35,
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }],
    });
  });
});

describe('header versions', () => {
  it('follow flexibility, with the ApiVersions and ControlledShutdown exceptions', () => {
    expect(requestHeaderVersion(ApiKey.Metadata, 8)).toBe(1);
    expect(requestHeaderVersion(ApiKey.Metadata, 9)).toBe(2);
    expect(requestHeaderVersion(ApiKey.ControlledShutdown, 0)).toBe(0);
    expect(requestHeaderVersion(ApiKey.ApiVersions, 3)).toBe(2);
    expect(requestHeaderVersion(ApiKey.ApiVersions, 99)).toBe(2);
    expect(responseHeaderVersion(ApiKey.Metadata, 9)).toBe(1);
    expect(responseHeaderVersion(ApiKey.Metadata, 8)).toBe(0);
    expect(responseHeaderVersion(ApiKey.ApiVersions, 3)).toBe(0);
    expect(responseHeaderVersion(ApiKey.DescribeCluster, 0)).toBe(1);
    expect(requestHeaderVersion(ApiKey.SaslHandshake, 1)).toBe(1);
  });
});
