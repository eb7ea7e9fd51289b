// The wire client against a small broker double on loopback that speaks real frames, built from
// the same protocol layer a broker uses (FrameDecoder -> decodeRequest -> encodeResponse).
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiKey } from './api-keys.js';
import { ConnectionClosedError, RequestTimeoutError, WireClient } from './client.js';
import { ProtocolError } from './codec/protocol-error.js';
import { ErrorCode } from './error-codes.js';
import { FrameDecoder } from './frame.js';
import type { DecodedRequest } from './request-codec.js';
import { UnsupportedRequestError, decodeRequest } from './request-codec.js';
import { encodeResponse, encodeUnsupportedApiVersionsResponse } from './response-codec.js';
import { supportedVersionRanges } from './registry.js';

/** Decides what to send back for a request: frames to write (possibly none), or a socket action. */
type Handler = (request: DecodedRequest, socket: Socket) => Buffer | Buffer[] | 'close' | undefined;

interface Double {
  port: number;
  received: DecodedRequest[];
  server: Server;
}

const servers: Server[] = [];
const clients: WireClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function startDouble(handle: Handler): Promise<Double> {
  const received: DecodedRequest[] = [];
  const server = createServer((socket) => {
    const frames = new FrameDecoder();
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      const { frames: complete, error } = frames.push(chunk);
      for (const frame of complete) {
        let request: DecodedRequest;
        try {
          request = decodeRequest(frame);
        } catch (failure) {
          if (failure instanceof UnsupportedRequestError && failure.header.apiKey === ApiKey.ApiVersions) {
            socket.write(encodeUnsupportedApiVersionsResponse(failure.header.correlationId));
          } else {
            socket.destroy();
          }
          continue;
        }
        received.push(request);
        const reply = handle(request, socket);
        if (reply === 'close') socket.destroy();
        else if (reply !== undefined) for (const part of Array.isArray(reply) ? reply : [reply]) socket.write(part);
      }
      if (error) socket.destroy();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as AddressInfo).port, received, server };
}

async function connect(port: number, requestTimeoutMs = 5000): Promise<WireClient> {
  const client = await WireClient.connect({ host: '127.0.0.1', port, clientId: 'test', requestTimeoutMs });
  clients.push(client);
  return client;
}

function apiVersionsReply(request: DecodedRequest): Buffer {
  return encodeResponse(request.header, ApiKey.ApiVersions, request.apiVersion, {
    errorCode: 0,
    apiKeys: supportedVersionRanges(),
    throttleTimeMs: 0,
  });
}

function heartbeatReply(request: DecodedRequest, errorCode = 0): Buffer {
  return encodeResponse(request.header, ApiKey.Heartbeat, request.apiVersion, { throttleTimeMs: 0, errorCode });
}

describe('WireClient', () => {
  it('negotiates versions with ApiVersions', async () => {
    const double = await startDouble((request) => (request.apiKey === ApiKey.ApiVersions ? apiVersionsReply(request) : undefined));
    const client = await connect(double.port);
    const versions = await client.negotiateVersions();
    expect(versions.get(ApiKey.Fetch)).toEqual({ minVersion: 4, maxVersion: 16 });
    expect(client.highestCommonVersion(ApiKey.Produce)).toBe(11);
    expect(client.highestCommonVersion(ApiKey.Produce, 7)).toBe(7);
    expect(double.received[0]).toMatchObject({ apiKey: ApiKey.ApiVersions, apiVersion: 3, header: { clientId: 'test' } });
  });

  it('falls back to ApiVersions v0 when the broker does not know v3', async () => {
    const double = await startDouble((request) => {
      if (request.apiKey !== ApiKey.ApiVersions) return undefined;
      return request.apiVersion === 3 ? encodeUnsupportedApiVersionsResponse(request.header.correlationId) : apiVersionsReply(request);
    });
    const client = await connect(double.port);
    await client.negotiateVersions();
    expect(double.received.map((r) => r.apiVersion)).toEqual([3, 0]);
    expect(client.brokerVersions.get(ApiKey.Metadata)).toEqual({ minVersion: 0, maxVersion: 12 });
  });

  it('pipelines requests and matches responses by correlation id, whatever their order', async () => {
    const held: DecodedRequest[] = [];
    const double = await startDouble((request, socket) => {
      held.push(request);
      if (held.length < 3) return undefined;
      // Answer all three at once, newest first.
      for (const r of held.reverse()) socket.write(heartbeatReply(r, (r.body as { generationId: number }).generationId));
      return undefined;
    });
    const client = await connect(double.port);
    const replies = await Promise.all(
      [1, 2, 3].map((generationId) => client.send(ApiKey.Heartbeat, 4, { groupId: 'g', generationId, memberId: 'm', groupInstanceId: null })),
    );
    expect(replies.map((r) => r.errorCode)).toEqual([1, 2, 3]);
    expect(double.received.map((r) => r.header.correlationId)).toEqual([0, 1, 2]);
    expect(client.inFlight).toBe(0);
  });

  it('sends acks=0 produce requests without waiting for a response', async () => {
    const double = await startDouble((request) => (request.apiKey === ApiKey.Heartbeat ? heartbeatReply(request) : undefined));
    const client = await connect(double.port);
    const produce = {
      transactionalId: null,
      acks: 0,
      timeoutMs: 1000,
      topicData: [{ name: 't', partitionData: [{ index: 0, records: Buffer.from('batch') }] }],
    };
    await expect(client.send(ApiKey.Produce, 9, produce)).rejects.toThrow(TypeError);
    await client.sendOneWay(ApiKey.Produce, 9, produce);
    await client.send(ApiKey.Heartbeat, 4, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null });
    expect(double.received.map((r) => r.apiKey)).toEqual([ApiKey.Produce, ApiKey.Heartbeat]);
    expect(double.received[0]!.body).toMatchObject({ acks: 0, topicData: [{ partitionData: [{ records: Buffer.from('batch') }] }] });
  });

  it('times out a request and reports its late response', async () => {
    let answerLater: (() => void) | undefined;
    const double = await startDouble((request, socket) => {
      answerLater = () => socket.write(heartbeatReply(request));
      return undefined;
    });
    const client = await connect(double.port);
    const late = new Promise<number>((resolve) => client.once('late-response', resolve));
    await expect(
      client.send(ApiKey.Heartbeat, 4, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null }, { timeoutMs: 50 }),
    ).rejects.toBeInstanceOf(RequestTimeoutError);
    answerLater!();
    expect(await late).toBe(0);
    expect(client.closed).toBe(false);
  });

  it('reports responses that answer no request', async () => {
    const double = await startDouble((request) => [
      encodeResponse({ correlationId: 12345 }, ApiKey.Heartbeat, 4, { throttleTimeMs: 0, errorCode: 0 }),
      heartbeatReply(request),
    ]);
    const client = await connect(double.port);
    const unexpected = new Promise<number>((resolve) => client.once('unexpected-response', resolve));
    await client.send(ApiKey.Heartbeat, 4, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null });
    expect(await unexpected).toBe(12345);
  });

  it('rejects requests in flight when the broker closes the connection', async () => {
    const double = await startDouble(() => 'close');
    const client = await connect(double.port);
    const closed = new Promise<Error | undefined>((resolve) => client.once('close', resolve));
    await expect(client.send(ApiKey.Heartbeat, 4, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null })).rejects.toBeInstanceOf(
      ConnectionClosedError,
    );
    expect(await closed).toBeInstanceOf(ConnectionClosedError);
    expect(client.closed).toBe(true);
    await expect(client.send(ApiKey.ApiVersions, 0, {})).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it('closes the connection on a malformed response frame', async () => {
    const double = await startDouble(() => Buffer.from('ffffffff', 'hex'));
    const client = await connect(double.port);
    await expect(client.send(ApiKey.ApiVersions, 0, {})).rejects.toBeInstanceOf(ProtocolError);
    expect(client.closed).toBe(true);
  });

  it('rejects a response that does not decode, and keeps the connection', async () => {
    const double = await startDouble((request) =>
      request.apiKey === ApiKey.Heartbeat
        ? Buffer.from('00000005' + request.header.correlationId.toString(16).padStart(8, '0') + '00', 'hex')
        : apiVersionsReply(request),
    );
    const client = await connect(double.port);
    await expect(client.send(ApiKey.Heartbeat, 3, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null })).rejects.toBeInstanceOf(
      ProtocolError,
    );
    expect(client.closed).toBe(false);
    expect((await client.send(ApiKey.ApiVersions, 0, {})).errorCode).toBe(ErrorCode.NONE);
  });

  it('sends raw bodies under any key and returns the raw response frame', async () => {
    const double = await startDouble((request) => apiVersionsReply(request));
    const client = await connect(double.port);
    const frame = await client.sendRaw(ApiKey.ApiVersions, 0, Buffer.alloc(0));
    expect(frame.readInt32BE(0)).toBe(0); // correlation id of the first request
    expect(frame.readInt16BE(4)).toBe(ErrorCode.NONE);
  });

  it('fails to connect to a closed port', async () => {
    const double = await startDouble(() => undefined);
    const { port } = double;
    await new Promise<void>((resolve) => double.server.close(() => resolve()));
    servers.splice(servers.indexOf(double.server), 1);
    await expect(WireClient.connect({ host: '127.0.0.1', port })).rejects.toThrow(/ECONNREFUSED/);
  });
});
