// The client side of the SASL mechanisms broker-ts and Kafka share, as a sequence of tokens: the
// first token, then a response to each server challenge until the exchange is complete.
import { encodePlainToken } from './plain.js';
import { ScramClient, isScramMechanism } from './scram.js';
import type { ScramMechanism } from './scram.js';

export type SaslMechanism = 'PLAIN' | ScramMechanism;
export const SASL_MECHANISMS: readonly SaslMechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

export function isSaslMechanism(name: string): name is SaslMechanism {
  return (SASL_MECHANISMS as readonly string[]).includes(name);
}

export interface SaslCredentials {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

export interface SaslClientExchange {
  readonly mechanism: SaslMechanism;
  initialToken(): Buffer;
  /** The next token for a server challenge, or undefined once the exchange is over. */
  respond(challenge: Buffer): Buffer | undefined;
}

export function saslClientExchange(credentials: SaslCredentials): SaslClientExchange {
  const { mechanism, username, password } = credentials;
  if (mechanism === 'PLAIN') {
    return { mechanism, initialToken: () => encodePlainToken(username, password), respond: () => undefined };
  }
  if (!isScramMechanism(mechanism)) throw new RangeError(`unsupported SASL mechanism ${String(mechanism)}`);
  const scram = new ScramClient(mechanism, username, password);
  let step = 0;
  return {
    mechanism,
    initialToken: () => scram.firstMessage(),
    respond(challenge) {
      step += 1;
      if (step === 1) return scram.finalMessage(challenge);
      scram.verifyServerFinal(challenge);
      return undefined;
    },
  };
}
