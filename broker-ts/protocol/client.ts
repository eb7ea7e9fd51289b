// A minimal Kafka wire client: one TCP connection, typed requests at versions the caller picks,
// pipelined and matched to responses by correlation id. It does no metadata handling, retries or
// routing, so tests and the harness see exactly what a broker answers (and can compare real Kafka
// with broker-ts request by request). It speaks to SSL, SASL_PLAINTEXT and SASL_SSL listeners too
// (options `tls` and `sasl`), authenticating before `connect` resolves, as a Kafka client does.
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import { connect as connectTcp } from 'node:net';
import type { Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { ApiKey, apiKeyName } from './api-keys.js';
import { ErrorCode } from './error-codes.js';
import { FrameDecoder } from './frame.js';
import type { RequestHeader } from './headers.js';
import { encodeRawRequest, encodeRequest } from './request-codec.js';
import { decodeResponse, peekCorrelationId } from './response-codec.js';
import type { RequestBody, ResponseBody, SupportedApiKey } from './registry.js';
import { apiByKey } from './registry.js';
import { saslClientExchange } from './sasl/client-mechanisms.js';
import type { SaslCredentials } from './sasl/client-mechanisms.js';

export interface WireClientOptions {
  host: string;
  port: number;
  /** Sent in every request header; null is allowed by the protocol. */
  clientId?: string | null;
  /** Per-request default; 30 s like Kafka's request.timeout.ms. */
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  maxResponseSize?: number;
  /**
   * TLS, for SSL and SASL_SSL listeners: node:tls options (`ca` to trust, `cert` and `key` for a
   * listener with ssl.client.auth=required, `rejectUnauthorized`), or true for the system's trust.
   * The broker's certificate must name `host` unless `checkServerIdentity` says otherwise.
   */
  tls?: TlsConnectionOptions | true;
  /**
   * SASL, for SASL_PLAINTEXT and SASL_SSL listeners: ApiVersions, SaslHandshake v1 and
   * SaslAuthenticate run before `connect` resolves; a refusal rejects it with SaslAuthenticationError.
   */
  sasl?: SaslCredentials;
}

export interface SendOptions {
  timeoutMs?: number;
}

export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
}

/** The broker refused the SASL mechanism or the credentials (the connection is closed). */
export class SaslAuthenticationError extends Error {
  override readonly name = 'SaslAuthenticationError';

  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';

  constructor(
    readonly apiKey: number,
    readonly apiVersion: number,
    readonly correlationId: number,
    timeoutMs: number,
  ) {
    super(`${apiKeyName(apiKey)} v${apiVersion} (correlation id ${correlationId}) got no response within ${timeoutMs} ms`);
  }
}

interface Pending {
  apiKey: number;
  apiVersion: number;
  /** False for raw requests: the caller gets the frame itself. */
  decode: boolean;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface VersionRange {
  minVersion: number;
  maxVersion: number;
}

interface WireClientEvents {
  /** The connection ended; `error` says why when it was not closed by `close()`. */
  close: [error: Error | undefined];
  /** A response whose correlation id matches no request in flight (e.g. an answer to acks=0). */
  'unexpected-response': [correlationId: number, frame: Buffer];
  /** A response to a request that had already timed out. */
  'late-response': [correlationId: number];
}

const MAX_CORRELATION_ID = 0x7fffffff;

export class WireClient extends EventEmitter<WireClientEvents> {
  private readonly frames: FrameDecoder;
  private readonly pending = new Map<number, Pending>();
  private readonly timedOut = new Set<number>();
  private nextCorrelationId = 0;
  private closeReason: Error | undefined;
  private ended = false;
  /** Filled by negotiateVersions(). */
  readonly brokerVersions = new Map<number, VersionRange>();

  private constructor(
    private readonly socket: Socket,
    private readonly options: Required<Omit<WireClientOptions, 'host' | 'port' | 'tls' | 'sasl'>>,
  ) {
    super();
    this.frames = new FrameDecoder(options.maxResponseSize);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (error) => this.shutdown(error));
    socket.on('close', () => this.shutdown(new ConnectionClosedError('connection closed by the peer')));
  }

  static async connect(options: WireClientOptions): Promise<WireClient> {
    const settings = {
      clientId: options.clientId === undefined ? 'broker-ts-wire-client' : options.clientId,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      maxResponseSize: options.maxResponseSize ?? 1 << 30,
    };
    const socket = await openSocket(options, settings.connectTimeoutMs);
    const client = new WireClient(socket, settings);
    if (options.sasl !== undefined) {
      try {
        await client.authenticate(options.sasl);
      } catch (error) {
        await client.close();
        throw error;
      }
    }
    return client;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Sends a request and resolves with the decoded response body. Requests may be pipelined; each
   * is matched to its response by correlation id. Produce with acks=0 gets no response: use
   * sendOneWay.
   */
  send<K extends SupportedApiKey>(apiKey: K, apiVersion: number, body: RequestBody<K>, options: SendOptions = {}): Promise<ResponseBody<K>> {
    if (apiKey === ApiKey.Produce && (body as RequestBody<typeof ApiKey.Produce>).acks === 0) {
      return Promise.reject(new TypeError('Produce with acks=0 gets no response; use sendOneWay'));
    }
    const correlationId = this.takeCorrelationId();
    const frame = encodeRequest({ apiKey, apiVersion, correlationId, clientId: this.options.clientId }, body);
    return this.track(apiKey, apiVersion, correlationId, frame, true, options) as Promise<ResponseBody<K>>;
  }

  /** Sends a request that gets no response (Produce with acks=0); resolves once it is written. */
  sendOneWay<K extends SupportedApiKey>(apiKey: K, apiVersion: number, body: RequestBody<K>): Promise<void> {
    const correlationId = this.takeCorrelationId();
    const frame = encodeRequest({ apiKey, apiVersion, correlationId, clientId: this.options.clientId }, body);
    return this.write(frame);
  }

  /**
   * Sends a request with a hand-made body under any API key and version and resolves with the raw
   * response frame (header included, size prefix not). For fuzzing and protocol probing.
   */
  sendRaw(apiKey: number, apiVersion: number, body: Uint8Array, options: SendOptions = {}): Promise<Buffer> {
    const correlationId = this.takeCorrelationId();
    const header: RequestHeader = { apiKey, apiVersion, correlationId, clientId: this.options.clientId };
    return this.track(apiKey, apiVersion, correlationId, encodeRawRequest(header, body), false, options) as Promise<Buffer>;
  }

  /** Writes bytes as they are, without framing: for malformed-frame tests. */
  writeBytes(bytes: Uint8Array): Promise<void> {
    return this.write(bytes);
  }

  /**
   * Asks the broker for its version ranges (ApiVersions v3, falling back to the v0 layout the way
   * Kafka clients do when the broker answers UNSUPPORTED_VERSION) and remembers them.
   */
  async negotiateVersions(options: SendOptions = {}): Promise<Map<number, VersionRange>> {
    let response = await this.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'broker-ts-wire-client', clientSoftwareVersion: '1.0.0' }, options);
    if (response.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
      response = await this.send(ApiKey.ApiVersions, 0, {}, options);
    }
    if (response.errorCode !== ErrorCode.NONE) throw new Error(`ApiVersions failed with error code ${response.errorCode}`);
    this.brokerVersions.clear();
    for (const { apiKey, minVersion, maxVersion } of response.apiKeys) this.brokerVersions.set(apiKey, { minVersion, maxVersion });
    return this.brokerVersions;
  }

  /**
   * The highest version of an API that both broker-ts's schemas and the broker support (after
   * negotiateVersions), optionally capped; undefined when there is none.
   */
  highestCommonVersion(apiKey: SupportedApiKey, cap = Number.MAX_SAFE_INTEGER): number | undefined {
    const ours = apiByKey(apiKey);
    const theirs = this.brokerVersions.get(apiKey);
    if (ours === undefined || theirs === undefined) return undefined;
    const version = Math.min(ours.maxVersion, theirs.maxVersion, cap);
    return version >= Math.max(ours.minVersion, theirs.minVersion) ? version : undefined;
  }

  /**
   * The SASL exchange of a Kafka client: ApiVersions (the one request a broker serves before the
   * handshake), SaslHandshake v1, then SaslAuthenticate until the mechanism is done.
   */
  private async authenticate(credentials: SaslCredentials): Promise<void> {
    await this.negotiateVersions();
    const handshake = await this.send(ApiKey.SaslHandshake, 1, { mechanism: credentials.mechanism });
    if (handshake.errorCode !== ErrorCode.NONE) {
      throw new SaslAuthenticationError(
        handshake.errorCode,
        `the broker does not enable SASL mechanism ${credentials.mechanism} on this listener (enabled: ${handshake.mechanisms.join(', ') || 'none'})`,
      );
    }
    const version = this.highestCommonVersion(ApiKey.SaslAuthenticate);
    if (version === undefined) throw new SaslAuthenticationError(ErrorCode.UNSUPPORTED_VERSION, 'the broker does not offer SaslAuthenticate');
    const exchange = saslClientExchange(credentials);
    let token: Buffer | undefined = exchange.initialToken();
    while (token !== undefined) {
      const response = await this.send(ApiKey.SaslAuthenticate, version, { authBytes: token });
      if (response.errorCode !== ErrorCode.NONE) {
        throw new SaslAuthenticationError(response.errorCode, response.errorMessage ?? `SaslAuthenticate failed with error code ${response.errorCode}`);
      }
      try {
        token = exchange.respond(response.authBytes);
      } catch (error) {
        throw new SaslAuthenticationError(ErrorCode.SASL_AUTHENTICATION_FAILED, (error as Error).message);
      }
    }
  }

  /** Closes the connection; requests in flight are rejected with ConnectionClosedError. */
  close(): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.shutdown(undefined);
    });
  }

  private takeCorrelationId(): number {
    const id = this.nextCorrelationId;
    this.nextCorrelationId = id === MAX_CORRELATION_ID ? 0 : id + 1;
    return id;
  }

  private write(bytes: Uint8Array): Promise<void> {
    if (this.ended) return Promise.reject(this.closeReason ?? new ConnectionClosedError('connection is closed'));
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
  }

  private track(apiKey: number, apiVersion: number, correlationId: number, frame: Buffer, decode: boolean, options: SendOptions): Promise<unknown> {
    if (this.ended) return Promise.reject(this.closeReason ?? new ConnectionClosedError('connection is closed'));
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        this.timedOut.add(correlationId);
        reject(new RequestTimeoutError(apiKey, apiVersion, correlationId, timeoutMs));
      }, timeoutMs);
      this.pending.set(correlationId, { apiKey, apiVersion, decode, resolve, reject, timer });
      this.socket.write(frame, (error) => {
        if (error) this.settle(correlationId)?.reject(error);
      });
    });
  }

  private settle(correlationId: number): Pending | undefined {
    const pending = this.pending.get(correlationId);
    if (pending === undefined) return undefined;
    clearTimeout(pending.timer);
    this.pending.delete(correlationId);
    return pending;
  }

  private onData(chunk: Buffer): void {
    const { frames, error } = this.frames.push(chunk);
    for (const frame of frames) this.onFrame(frame);
    if (error !== undefined) this.shutdown(error);
  }

  private onFrame(frame: Buffer): void {
    let correlationId: number;
    try {
      correlationId = peekCorrelationId(frame);
    } catch (error) {
      this.shutdown(error as Error);
      return;
    }
    const pending = this.settle(correlationId);
    if (pending === undefined) {
      if (this.timedOut.delete(correlationId)) this.emit('late-response', correlationId);
      else this.emit('unexpected-response', correlationId, frame);
      return;
    }
    if (!pending.decode) {
      pending.resolve(frame);
      return;
    }
    try {
      pending.resolve(decodeResponse(frame, pending.apiKey as SupportedApiKey, pending.apiVersion).body);
    } catch (error) {
      pending.reject(error as Error);
    }
  }

  private shutdown(reason: Error | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.closeReason = reason;
    const failure = reason ?? new ConnectionClosedError('connection closed by the client');
    for (const [correlationId] of this.pending) this.settle(correlationId)?.reject(failure);
    this.socket.destroy();
    this.emit('close', reason);
  }
}

/** A TCP connection, or a TLS one once its handshake is done, within the connect timeout. */
function openSocket(options: WireClientOptions, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const tls = options.tls === true ? {} : options.tls;
    const socket: Socket =
      tls === undefined
        ? connectTcp({ host: options.host, port: options.port })
        : connectTls({ host: options.host, port: options.port, ...(isIP(options.host) === 0 ? { servername: options.host } : {}), ...tls });
    const ready = tls === undefined ? 'connect' : 'secureConnect';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connecting to ${options.host}:${options.port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once(ready, () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
