// One client connection. Like Kafka's network layer, it serves one request at a time and answers
// in order: the next request is decoded only after the previous response was handed to the socket
// and drained (Kafka mutes a channel while a request is in flight). Produce with acks=0 gets no
// answer. Anything that makes the byte stream unusable (a frame over socket.request.max.bytes, a
// malformed request, an API or version the listener does not serve) closes this connection only,
// with a log line; ApiVersions of an unknown version is answered in the v0 layout as Kafka does.
// On a SASL listener every frame goes to the authenticator until the client is authenticated, with
// frames limited to sasl.server.max.receive.size meanwhile; a failed authentication is answered and
// the connection closed after connection.failed.authentication.delay.ms, as Kafka delays it.
import type { Socket } from 'node:net';
import {
  ApiKey,
  FrameDecoder,
  ProtocolError,
  UnsupportedRequestError,
  apiKeyName,
  decodeRequest,
  encodeResponseChunks,
  encodeUnsupportedApiVersionsResponse,
} from '@kafka-chaos/protocol';
import type { DecodedRequest } from '@kafka-chaos/protocol';
import type { Logger } from '../logging/logger.js';
import type { SaslServerAuthenticator } from '../security/sasl-authenticator.js';
import { CloseConnectionError } from './api-handler.js';
import type { RequestContext } from './request-context.js';

/** Frames buffered beyond this make the connection stop reading until it catches up. */
const MAX_QUEUED_FRAMES = 64;

export interface RequestDispatcher {
  /** Whether the listener serves this API at this version (Kafka closes the connection otherwise). */
  serves(listenerName: string, apiKey: number, apiVersion: number): boolean;
  dispatch(request: DecodedRequest, context: RequestContext): Promise<unknown>;
  /** Resolves once the broker is ready to serve requests on this listener. */
  readyFor(listenerName: string): Promise<void>;
}

let nextConnectionNumber = 0;

export interface ConnectionOptions {
  maxRequestBytes: number;
  idleTimeoutMs: number;
  /** On SASL listeners: runs the SASL exchange before any other request is served. */
  authenticator?: SaslServerAuthenticator;
  saslMaxReceiveSize?: number;
  failedAuthenticationDelayMs?: number;
  logger: Logger;
  onClose: (connection: Connection) => void;
}

export class Connection {
  readonly id: string;
  private readonly frames: FrameDecoder;
  private readonly queue: Buffer[] = [];
  private processing = false;
  private closed = false;
  private readonly log: Logger;
  private readonly authenticator: SaslServerAuthenticator | undefined;
  private readonly maxRequestBytes: number;
  private readonly failedAuthenticationDelayMs: number;
  private readonly onClose: (connection: Connection) => void;
  private readonly closedSignal = new AbortController();

  constructor(
    private readonly socket: Socket,
    private readonly listenerName: string,
    private readonly dispatcher: RequestDispatcher,
    options: ConnectionOptions,
  ) {
    const { idleTimeoutMs, logger } = options;
    this.id = `${socket.localAddress}:${socket.localPort}-${socket.remoteAddress}:${socket.remotePort}-${nextConnectionNumber++}`;
    this.log = logger.child({ connection: this.id, listener: listenerName });
    this.onClose = options.onClose;
    this.authenticator = options.authenticator;
    this.maxRequestBytes = options.maxRequestBytes;
    this.failedAuthenticationDelayMs = options.failedAuthenticationDelayMs ?? 0;
    const limit = this.authenticator === undefined ? this.maxRequestBytes : Math.min(this.maxRequestBytes, options.saslMaxReceiveSize ?? this.maxRequestBytes);
    this.frames = new FrameDecoder(limit);
    socket.setNoDelay(true);
    if (Number.isFinite(idleTimeoutMs) && idleTimeoutMs > 0) {
      socket.setTimeout(idleTimeoutMs, () => this.close('idle for longer than connections.max.idle.ms'));
    }
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.log.debug({ err: error }, 'socket error'));
    socket.on('close', () => {
      this.closed = true;
      this.closedSignal.abort();
      this.queue.length = 0;
      this.onClose(this);
    });
  }

  get clientHost(): string {
    return `/${this.socket.remoteAddress ?? 'unknown'}`;
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.log.info({ reason }, 'closing connection');
    this.queue.length = 0;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    const { frames, error } = this.frames.push(chunk);
    for (const frame of frames) this.queue.push(frame);
    if (error !== undefined) {
      // The stream cannot be resynchronised: Kafka drops the connection at once.
      this.log.warn({ reason: error.reason }, `closing connection: ${error.message}`);
      this.close(error.message);
      return;
    }
    if (this.queue.length >= MAX_QUEUED_FRAMES) this.socket.pause();
    void this.processQueue();
  }

  private async processQueue(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      await this.dispatcher.readyFor(this.listenerName);
      while (!this.closed && this.queue.length > 0) {
        const frame = this.queue.shift()!;
        if (this.queue.length < MAX_QUEUED_FRAMES / 2 && this.socket.isPaused()) this.socket.resume();
        await this.serve(frame);
      }
    } catch (error) {
      this.log.error({ err: error }, 'unexpected failure while serving a request');
      this.close('internal error');
    } finally {
      this.processing = false;
    }
  }

  private async serve(frame: Buffer): Promise<void> {
    if (this.authenticator !== undefined && !this.authenticator.complete) return this.authenticate(this.authenticator, frame);
    let request: DecodedRequest;
    try {
      request = decodeRequest(frame);
    } catch (error) {
      if (error instanceof UnsupportedRequestError) return this.refuse(error.header.apiKey, error.header.apiVersion, error.header.correlationId);
      if (error instanceof ProtocolError) {
        this.log.warn({ reason: error.reason }, `closing connection: malformed request: ${error.message}`);
        this.close('malformed request');
        return;
      }
      throw error;
    }
    return this.dispatch(request);
  }

  private async dispatch(request: DecodedRequest): Promise<void> {
    if (!this.dispatcher.serves(this.listenerName, request.apiKey, request.apiVersion)) {
      return this.refuse(request.apiKey, request.apiVersion, request.header.correlationId);
    }
    const context: RequestContext = {
      header: request.header,
      apiVersion: request.apiVersion,
      listenerName: this.listenerName,
      clientId: request.header.clientId ?? '',
      clientHost: this.clientHost,
      connectionId: this.id,
      connectionClosed: this.closedSignal.signal,
    };
    let chunks: Buffer[];
    try {
      const response = await this.dispatcher.dispatch(request, context);
      if (response === undefined || this.closed) return;
      chunks = encodeResponseChunks(request.header, request.apiKey, request.apiVersion, response as never);
    } catch (error) {
      if (error instanceof CloseConnectionError) {
        this.close(error.message);
        return;
      }
      // Named, so that a request that breaks a handler can be found and made again.
      this.log.error(
        { err: error, apiKey: request.apiKey, apiVersion: request.apiVersion },
        `unexpected failure while serving ${apiKeyName(request.apiKey)} v${request.apiVersion}`,
      );
      this.close('internal error');
      return;
    }
    await this.write(chunks);
  }

  private async authenticate(authenticator: SaslServerAuthenticator, frame: Buffer): Promise<void> {
    const step = authenticator.receive(frame);
    switch (step.kind) {
      case 'serve':
        return this.dispatch(step.request);
      case 'close':
        this.log.info({ peer: this.clientHost }, `closing connection: ${step.reason}`);
        this.close(step.reason);
        return;
      case 'reply':
        await this.write(step.chunks);
        if (step.outcome === 'authenticated') {
          this.frames.maxFrameSize = this.maxRequestBytes;
          this.log.debug({ principal: authenticator.principal, mechanism: authenticator.saslMechanism }, 'authenticated');
        } else if (step.outcome === 'failed') {
          this.log.info({ peer: this.clientHost, mechanism: authenticator.saslMechanism }, `Failed authentication with ${this.clientHost} (${step.reason})`);
          this.closeAfterFailedAuthentication(step.reason ?? 'authentication failed');
        }
    }
  }

  /** Kafka holds a failed client's connection a little before closing, to slow down password guessing. */
  private closeAfterFailedAuthentication(reason: string): void {
    this.socket.pause();
    this.queue.length = 0;
    const timer = setTimeout(() => this.close(reason), this.failedAuthenticationDelayMs);
    this.socket.once('close', () => clearTimeout(timer));
  }

  private async refuse(apiKey: number, apiVersion: number, correlationId: number): Promise<void> {
    if (apiKey === ApiKey.ApiVersions) {
      await this.write([encodeUnsupportedApiVersionsResponse(correlationId)]);
      return;
    }
    this.log.warn({ apiKey, apiVersion }, `closing connection: ${apiKeyName(apiKey)} v${apiVersion} is not served on listener ${this.listenerName}`);
    this.close(`unsupported ${apiKeyName(apiKey)} v${apiVersion}`);
  }

  /** Writes a response (chunks referencing record bytes, not copies) and waits until the socket can take more. */
  private write(chunks: readonly Buffer[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.socket.cork();
    let flushed = true;
    for (const chunk of chunks) flushed = this.socket.write(chunk);
    this.socket.uncork();
    if (flushed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }
}
