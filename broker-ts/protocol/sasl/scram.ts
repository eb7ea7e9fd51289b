// SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677) as Kafka uses them: the key derivation,
// the four messages and their attributes, and the client side of the exchange. The broker's side
// (broker-ts/security/scram-server.ts) uses the same derivation and message parsing.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
export const SCRAM_MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

/** Kafka refuses fewer iterations than this for either mechanism. */
export const SCRAM_MIN_ITERATIONS = 4096;
/** A server asking a client for more than this is refused rather than obeyed (hours of PBKDF2). */
export const SCRAM_MAX_ITERATIONS = 1_000_000;

export function isScramMechanism(name: string): name is ScramMechanism {
  return (SCRAM_MECHANISMS as readonly string[]).includes(name);
}

function hashOf(mechanism: ScramMechanism): 'sha256' | 'sha512' {
  return mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
}

function hmac(mechanism: ScramMechanism, key: Buffer, text: string): Buffer {
  return createHmac(hashOf(mechanism), key).update(text, 'utf8').digest();
}

function digest(mechanism: ScramMechanism, data: Buffer): Buffer {
  return createHash(hashOf(mechanism)).update(data).digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** What a server stores for a user: never the password, only what verifies a proof. */
export interface ScramCredential {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

export function saltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  const length = mechanism === 'SCRAM-SHA-256' ? 32 : 64;
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, length, hashOf(mechanism));
}

/** The stored credential for a password, as `kafka-storage format --add-scram` derives it. */
export function scramCredential(
  mechanism: ScramMechanism,
  password: string,
  iterations = SCRAM_MIN_ITERATIONS,
  salt: Buffer = randomBytes(32),
): ScramCredential {
  const salted = saltedPassword(mechanism, password, salt, iterations);
  return {
    salt,
    iterations,
    storedKey: digest(mechanism, hmac(mechanism, salted, 'Client Key')),
    serverKey: hmac(mechanism, salted, 'Server Key'),
  };
}

/** A fresh nonce of printable characters other than ',' (RFC 5802). */
export function scramNonce(): string {
  return randomBytes(24).toString('base64').replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '');
}

/** saslname escaping: ',' and '=' are written =2C and =3D. */
export function escapeSaslName(name: string): string {
  return name.replaceAll('=', '=3D').replaceAll(',', '=2C');
}

export function unescapeSaslName(name: string): string {
  if (/=(?!2C|3D)/.test(name)) throw new ScramFormatError(`invalid escape in user name "${name}"`);
  return name.replaceAll('=2C', ',').replaceAll('=3D', '=');
}

export class ScramFormatError extends Error {
  override readonly name = 'ScramFormatError';
}

/** The attributes of a SCRAM message (`n=user,r=nonce,...`), in order. */
export function parseScramAttributes(message: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const part of message.split(',')) {
    const match = /^([A-Za-z])=(.*)$/s.exec(part);
    if (match === null) throw new ScramFormatError(`malformed SCRAM attribute "${part.slice(0, 40)}"`);
    if (attributes.has(match[1]!)) throw new ScramFormatError(`SCRAM attribute ${match[1]} appears twice`);
    attributes.set(match[1]!, match[2]!);
  }
  return attributes;
}

export function requireAttribute(attributes: ReadonlyMap<string, string>, name: string, message: string): string {
  const value = attributes.get(name);
  if (value === undefined || value === '') throw new ScramFormatError(`${message} lacks its "${name}" attribute`);
  return value;
}

/** The client's proof that it knows the password, and the signature proving the server does. */
export function clientProof(mechanism: ScramMechanism, salted: Buffer, authMessage: string): Buffer {
  const clientKey = hmac(mechanism, salted, 'Client Key');
  const storedKey = digest(mechanism, clientKey);
  return xor(clientKey, hmac(mechanism, storedKey, authMessage));
}

/** Checks a client proof against a stored credential (constant time). */
export function verifyClientProof(mechanism: ScramMechanism, credential: ScramCredential, authMessage: string, proof: Buffer): boolean {
  const signature = hmac(mechanism, credential.storedKey, authMessage);
  if (proof.length !== signature.length) return false;
  const clientKey = xor(proof, signature);
  const candidate = digest(mechanism, clientKey);
  return candidate.length === credential.storedKey.length && timingSafeEqual(candidate, credential.storedKey);
}

export function serverSignature(mechanism: ScramMechanism, serverKey: Buffer, authMessage: string): Buffer {
  return hmac(mechanism, serverKey, authMessage);
}

/** The GS2 header of a client that neither supports nor requests channel binding, base64: "n,,". */
export const GS2_HEADER = 'n,,';
export const GS2_HEADER_BASE64 = Buffer.from(GS2_HEADER).toString('base64');

/**
 * The client side of one SCRAM exchange: first message, then the final message computed from the
 * server's challenge, then a check of the server's signature.
 */
export class ScramClient {
  private clientFirstBare = '';
  private expectedServerSignature: Buffer | undefined;

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly username: string,
    private readonly password: string,
    /** Fixed only to reproduce published test vectors. */
    private readonly clientNonce: string = scramNonce(),
  ) {}

  firstMessage(): Buffer {
    this.clientFirstBare = `n=${escapeSaslName(this.username)},r=${this.clientNonce}`;
    return Buffer.from(GS2_HEADER + this.clientFirstBare, 'utf8');
  }

  /** Answers the server-first message with the client-final message. */
  finalMessage(serverFirst: Buffer): Buffer {
    const text = serverFirst.toString('utf8');
    const attributes = parseScramAttributes(text);
    if (attributes.has('e')) throw new ScramFormatError(`the server refused: ${attributes.get('e')}`);
    const nonce = requireAttribute(attributes, 'r', 'server-first message');
    const salt = Buffer.from(requireAttribute(attributes, 's', 'server-first message'), 'base64');
    const iterations = Number(requireAttribute(attributes, 'i', 'server-first message'));
    if (!nonce.startsWith(this.clientNonce) || nonce.length === this.clientNonce.length) {
      throw new ScramFormatError('the server nonce does not extend the client nonce');
    }
    if (!Number.isInteger(iterations) || iterations < SCRAM_MIN_ITERATIONS || iterations > SCRAM_MAX_ITERATIONS) {
      throw new ScramFormatError(`the server asks for ${iterations} iterations, outside [${SCRAM_MIN_ITERATIONS}, ${SCRAM_MAX_ITERATIONS}]`);
    }
    const withoutProof = `c=${GS2_HEADER_BASE64},r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${text},${withoutProof}`;
    const salted = saltedPassword(this.mechanism, this.password, salt, iterations);
    this.expectedServerSignature = serverSignature(this.mechanism, hmac(this.mechanism, salted, 'Server Key'), authMessage);
    const proof = clientProof(this.mechanism, salted, authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
  }

  /** Throws unless the server-final message carries the signature only a server knowing the credential can make. */
  verifyServerFinal(serverFinal: Buffer): void {
    const attributes = parseScramAttributes(serverFinal.toString('utf8'));
    if (attributes.has('e')) throw new ScramFormatError(`the server refused: ${attributes.get('e')}`);
    const signature = Buffer.from(requireAttribute(attributes, 'v', 'server-final message'), 'base64');
    const expected = this.expectedServerSignature;
    if (expected === undefined || signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw new ScramFormatError('the server signature does not match: the server does not know this credential');
    }
  }
}
