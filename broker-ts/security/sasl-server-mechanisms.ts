// The broker's side of each SASL mechanism: it takes the client's tokens one by one and answers
// with challenges until the client is authenticated, or throws SaslAuthenticationFailure with the
// message Kafka sends (which never tells whether the user exists).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  ScramFormatError,
  parsePlainToken,
  parseScramAttributes,
  requireAttribute,
  scramNonce,
  serverSignature,
  unescapeSaslName,
  verifyClientProof,
} from '@kafka-chaos/protocol';
import type { SaslMechanism, ScramCredential, ScramMechanism } from '@kafka-chaos/protocol';
import type { SaslSettings } from './listener-security.js';

export class SaslAuthenticationFailure extends Error {
  override readonly name = 'SaslAuthenticationFailure';
}

export interface SaslStep {
  /** The challenge to send back (empty when the mechanism has nothing to say). */
  challenge: Buffer;
  /** The client is authenticated as `principal`. */
  principal: string | undefined;
}

export interface SaslServerMechanism {
  evaluate(token: Buffer): SaslStep;
}

export function saslServerMechanism(mechanism: SaslMechanism, settings: SaslSettings): SaslServerMechanism {
  return mechanism === 'PLAIN' ? new PlainServer(settings.plainUsers) : new ScramServer(mechanism, settings);
}

/** Equal-time comparison of two secrets of any lengths. */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

class PlainServer implements SaslServerMechanism {
  constructor(private readonly users: ReadonlyMap<string, string>) {}

  evaluate(token: Buffer): SaslStep {
    const credentials = parsePlainToken(token);
    if (credentials === undefined) throw new SaslAuthenticationFailure('Invalid SASL/PLAIN response: expected 3 tokens');
    const { authorizationId, username, password } = credentials;
    if (username === '') throw new SaslAuthenticationFailure('Authentication failed: username not specified');
    if (password === '') throw new SaslAuthenticationFailure('Authentication failed: password not specified');
    if (authorizationId !== '' && authorizationId !== username) {
      throw new SaslAuthenticationFailure('Authentication failed: Client requested an authorization id that is different from username');
    }
    // An unknown user costs the same comparison as a wrong password.
    const expected = this.users.get(username);
    if (!sameSecret(password, expected ?? randomBytes(16).toString('hex')) || expected === undefined) {
      throw new SaslAuthenticationFailure('Authentication failed: Invalid username or password');
    }
    return { challenge: Buffer.alloc(0), principal: username };
  }
}

type ScramState = 'client-first' | 'client-final' | 'complete';

class ScramServer implements SaslServerMechanism {
  private state: ScramState = 'client-first';
  private username = '';
  private credential: ScramCredential | undefined;
  private gs2Header = '';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';

  constructor(
    private readonly mechanism: ScramMechanism,
    private readonly settings: SaslSettings,
  ) {}

  /** Kafka keeps the reason in its log and tells the client only this. */
  private invalid(): SaslAuthenticationFailure {
    return new SaslAuthenticationFailure(`Authentication failed during authentication due to invalid credentials with SASL mechanism ${this.mechanism}`);
  }

  evaluate(token: Buffer): SaslStep {
    try {
      if (this.state === 'client-first') return this.clientFirst(token.toString('utf8'));
      if (this.state === 'client-final') return this.clientFinal(token.toString('utf8'));
    } catch (error) {
      if (error instanceof ScramFormatError) throw this.invalid();
      throw error;
    }
    throw new SaslAuthenticationFailure(`unexpected SASL token after ${this.mechanism} authentication completed`);
  }

  private clientFirst(message: string): SaslStep {
    // gs2-header: a channel-binding flag (n: not supported, y: supported by the client only), an optional authzid.
    const match = /^([ny]),(a=[^,]*)?,(.*)$/s.exec(message);
    if (match === null) throw new ScramFormatError('malformed client-first message (channel binding is not supported)');
    this.gs2Header = `${match[1]},${match[2] ?? ''},`;
    this.clientFirstBare = match[3]!;
    const attributes = parseScramAttributes(this.clientFirstBare);
    this.username = unescapeSaslName(requireAttribute(attributes, 'n', 'client-first message'));
    const clientNonce = requireAttribute(attributes, 'r', 'client-first message');
    const authorizationId = match[2]?.slice(2);
    if (authorizationId !== undefined && authorizationId !== '' && unescapeSaslName(authorizationId) !== this.username) {
      throw new SaslAuthenticationFailure('Authentication failed: Client requested an authorization id that is different from username');
    }
    // Delegation tokens (tokenauth=true) do not exist in broker-ts.
    if (attributes.get('tokenauth') !== undefined) throw this.invalid();
    this.credential = this.settings.scramCredentials.get(this.mechanism)?.get(this.username);
    if (this.credential === undefined) throw this.invalid();
    this.nonce = clientNonce + scramNonce();
    this.serverFirst = `r=${this.nonce},s=${this.credential.salt.toString('base64')},i=${this.credential.iterations}`;
    this.state = 'client-final';
    return { challenge: Buffer.from(this.serverFirst, 'utf8'), principal: undefined };
  }

  private clientFinal(message: string): SaslStep {
    const attributes = parseScramAttributes(message);
    const channelBinding = requireAttribute(attributes, 'c', 'client-final message');
    const nonce = requireAttribute(attributes, 'r', 'client-final message');
    const proof = Buffer.from(requireAttribute(attributes, 'p', 'client-final message'), 'base64');
    if (Buffer.from(channelBinding, 'base64').toString('utf8') !== this.gs2Header) throw this.invalid();
    if (nonce !== this.nonce) throw this.invalid();
    const withoutProof = message.slice(0, message.lastIndexOf(',p='));
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const credential = this.credential!;
    if (!verifyClientProof(this.mechanism, credential, authMessage, proof)) throw this.invalid();
    this.state = 'complete';
    const signature = serverSignature(this.mechanism, credential.serverKey, authMessage);
    return { challenge: Buffer.from(`v=${signature.toString('base64')}`, 'utf8'), principal: this.username };
  }
}
