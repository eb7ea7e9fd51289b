// The SASL exchange at the start of a connection to a SASL listener, as Kafka's
// SaslServerAuthenticator runs it. Until the client is authenticated only three requests are
// served: ApiVersions (once, first), SaslHandshake, then SaslAuthenticate (or, after SaslHandshake
// v0, raw size-prefixed tokens). Anything else closes the connection, so an unauthenticated client
// learns nothing about topics. A refusal is answered (UNSUPPORTED_SASL_MECHANISM,
// SASL_AUTHENTICATION_FAILED with Kafka's message) and then the connection is closed.
import {
  ApiKey,
  ErrorCode,
  ProtocolError,
  UnsupportedRequestError,
  apiKeyName,
  decodeRequest,
  encodeResponseChunks,
  encodeUnsupportedApiVersionsResponse,
} from '@kafka-chaos/protocol';
import type { DecodedRequest, SaslMechanism } from '@kafka-chaos/protocol';
import type { SaslSettings } from './listener-security.js';
import { SaslAuthenticationFailure, saslServerMechanism } from './sasl-server-mechanisms.js';
import type { SaslServerMechanism } from './sasl-server-mechanisms.js';

export type AuthenticationStep =
  /** An ApiVersions request: served like any other, it tells the client which handshake versions exist. */
  | { kind: 'serve'; request: DecodedRequest }
  /** Bytes to write; then keep going, or (failed) close the connection after the failed-authentication delay. */
  | { kind: 'reply'; chunks: Buffer[]; outcome: 'continue' | 'authenticated' | 'failed'; reason?: string }
  /** Nothing can be answered: close at once. */
  | { kind: 'close'; reason: string };

type State = 'initial' | 'handshake' | 'authenticate' | 'complete' | 'failed';

export class SaslServerAuthenticator {
  private state: State = 'initial';
  /** SaslHandshake v0: the tokens that follow are bare size-prefixed frames, not SaslAuthenticate requests. */
  private rawTokens = false;
  private mechanismName: SaslMechanism | undefined;
  private mechanism: SaslServerMechanism | undefined;
  /** The authenticated user. */
  principal: string | undefined;

  constructor(private readonly settings: SaslSettings) {}

  get complete(): boolean {
    return this.state === 'complete';
  }

  get saslMechanism(): SaslMechanism | undefined {
    return this.mechanismName;
  }

  /** What to do with the next frame received while the client is not yet authenticated. */
  receive(frame: Buffer): AuthenticationStep {
    if (this.state === 'complete' || this.state === 'failed') return { kind: 'close', reason: `no SASL exchange expected in state ${this.state}` };
    if (this.state === 'authenticate' && this.rawTokens) return this.evaluateRawToken(frame);
    let request: DecodedRequest;
    try {
      request = decodeRequest(frame);
    } catch (error) {
      if (error instanceof UnsupportedRequestError && error.header.apiKey === ApiKey.ApiVersions && this.state === 'initial') {
        return { kind: 'reply', chunks: [encodeUnsupportedApiVersionsResponse(error.header.correlationId)], outcome: 'continue' };
      }
      if (error instanceof UnsupportedRequestError || error instanceof ProtocolError) {
        return {
          kind: 'close',
          reason:
            this.state === 'initial'
              ? 'Invalid request, potential reasons: kafka client configured with the wrong security protocol, it does not support KIP-43 or it is not a kafka client'
              : `malformed request during SASL ${this.state}: ${error.message}`,
        };
      }
      throw error;
    }
    switch (this.state) {
      case 'initial':
        if (request.apiKey === ApiKey.ApiVersions) {
          this.state = 'handshake';
          return { kind: 'serve', request };
        }
        if (request.apiKey === ApiKey.SaslHandshake) return this.handshake(request);
        return { kind: 'close', reason: `Unexpected Kafka request of type ${apiKeyName(request.apiKey)} during SASL handshake` };
      case 'handshake':
        if (request.apiKey === ApiKey.SaslHandshake) return this.handshake(request);
        return { kind: 'close', reason: `Unexpected Kafka request of type ${apiKeyName(request.apiKey)} during SASL handshake` };
      case 'authenticate':
        if (request.apiKey === ApiKey.SaslAuthenticate) return this.authenticate(request);
        return { kind: 'close', reason: `Unexpected Kafka request of type ${apiKeyName(request.apiKey)} during SASL authentication` };
    }
  }

  private handshake(request: Extract<DecodedRequest, { apiKey: typeof ApiKey.SaslHandshake }>): AuthenticationStep {
    const requested = request.body.mechanism;
    const enabled = this.settings.mechanisms;
    const reply = (errorCode: number) =>
      encodeResponseChunks(request.header, ApiKey.SaslHandshake, request.apiVersion, { errorCode, mechanisms: [...enabled] });
    const chosen = enabled.find((m) => m === requested);
    if (chosen === undefined) {
      this.state = 'failed';
      return { kind: 'reply', chunks: reply(ErrorCode.UNSUPPORTED_SASL_MECHANISM), outcome: 'failed', reason: `Unsupported SASL mechanism ${requested}` };
    }
    this.mechanismName = chosen;
    this.mechanism = saslServerMechanism(chosen, this.settings);
    this.rawTokens = request.apiVersion === 0;
    this.state = 'authenticate';
    return { kind: 'reply', chunks: reply(ErrorCode.NONE), outcome: 'continue' };
  }

  private authenticate(request: Extract<DecodedRequest, { apiKey: typeof ApiKey.SaslAuthenticate }>): AuthenticationStep {
    const reply = (body: { errorCode: number; errorMessage: string | null; authBytes: Buffer }) =>
      encodeResponseChunks(request.header, ApiKey.SaslAuthenticate, request.apiVersion, { ...body, sessionLifetimeMs: 0n });
    try {
      const step = this.mechanism!.evaluate(request.body.authBytes);
      const chunks = reply({ errorCode: ErrorCode.NONE, errorMessage: null, authBytes: step.challenge });
      return this.advance(step.principal, chunks);
    } catch (error) {
      if (!(error instanceof SaslAuthenticationFailure)) throw error;
      this.state = 'failed';
      const chunks = reply({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: error.message, authBytes: Buffer.alloc(0) });
      return { kind: 'reply', chunks, outcome: 'failed', reason: error.message };
    }
  }

  private evaluateRawToken(token: Buffer): AuthenticationStep {
    try {
      const step = this.mechanism!.evaluate(token);
      const size = Buffer.alloc(4);
      size.writeInt32BE(step.challenge.length, 0);
      return this.advance(step.principal, [size, step.challenge]);
    } catch (error) {
      if (!(error instanceof SaslAuthenticationFailure)) throw error;
      this.state = 'failed';
      // Without SaslAuthenticate framing there is no way to say why: Kafka just closes too.
      return { kind: 'close', reason: error.message };
    }
  }

  private advance(principal: string | undefined, chunks: Buffer[]): AuthenticationStep {
    if (principal === undefined) return { kind: 'reply', chunks, outcome: 'continue' };
    this.principal = principal;
    this.state = 'complete';
    return { kind: 'reply', chunks, outcome: 'authenticated' };
  }
}
