// SCRAM credentials of a broker-ts node. Kafka keeps them in the metadata log (AlterUserScramCredentials,
// or `kafka-storage format --add-scram` before the first start); broker-ts reads them from its own
// key `sasl.scram.credentials`, written in the syntax of --add-scram, entries separated by ';':
//
//   sasl.scram.credentials=SCRAM-SHA-512=[name=alice,password=alice-secret];SCRAM-SHA-256=[name=bob,password=b,iterations=8192]
//
// An entry may give `salt` and `saltedpassword` (base64) instead of `password`, as --add-scram allows.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { SCRAM_MIN_ITERATIONS, isScramMechanism, scramCredential } from '@kafka-chaos/protocol';
import type { ScramCredential, ScramMechanism } from '@kafka-chaos/protocol';

export type ScramCredentialStore = ReadonlyMap<ScramMechanism, ReadonlyMap<string, ScramCredential>>;

export class ScramCredentialsError extends Error {
  override readonly name = 'ScramCredentialsError';
}

const ENTRY = /^(SCRAM-SHA-256|SCRAM-SHA-512)=\[(.*)\]$/s;

export function parseScramCredentials(text: string): ScramCredentialStore {
  const store = new Map<ScramMechanism, Map<string, ScramCredential>>();
  for (const entry of splitEntries(text)) {
    const match = ENTRY.exec(entry);
    if (match === null) throw new ScramCredentialsError(`expected MECHANISM=[name=...,password=...], found "${entry}"`);
    const mechanism = match[1]!;
    if (!isScramMechanism(mechanism)) throw new ScramCredentialsError(`unknown SCRAM mechanism ${mechanism}`);
    const fields = new Map<string, string>();
    for (const part of match[2]!.split(',')) {
      const at = part.indexOf('=');
      if (at <= 0) throw new ScramCredentialsError(`expected key=value in "${entry}", found "${part}"`);
      fields.set(
        part.slice(0, at).trim(),
        part
          .slice(at + 1)
          .trim()
          .replace(/^"(.*)"$/s, '$1'),
      );
    }
    const name = fields.get('name');
    if (name === undefined || name === '') throw new ScramCredentialsError(`"${entry}" names no user (name=...)`);
    const iterations = Number(fields.get('iterations') ?? SCRAM_MIN_ITERATIONS);
    if (!Number.isInteger(iterations) || iterations < SCRAM_MIN_ITERATIONS) {
      throw new ScramCredentialsError(`iterations of ${name} (${mechanism}) must be an integer of at least ${SCRAM_MIN_ITERATIONS}`);
    }
    const password = fields.get('password');
    const salt = fields.get('salt');
    const salted = fields.get('saltedpassword');
    let credential: ScramCredential;
    if (password !== undefined) {
      credential = scramCredential(mechanism, password, iterations, salt === undefined ? randomBytes(32) : Buffer.from(salt, 'base64'));
    } else if (salt !== undefined && salted !== undefined) {
      credential = fromSaltedPassword(mechanism, Buffer.from(salted, 'base64'), Buffer.from(salt, 'base64'), iterations);
    } else {
      throw new ScramCredentialsError(`"${entry}" needs password=..., or salt=... and saltedpassword=...`);
    }
    let users = store.get(mechanism);
    if (users === undefined) store.set(mechanism, (users = new Map()));
    users.set(name, credential);
  }
  return store;
}

function fromSaltedPassword(mechanism: ScramMechanism, salted: Buffer, salt: Buffer, iterations: number): ScramCredential {
  const hash = mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
  const clientKey = createHmac(hash, salted).update('Client Key').digest();
  return { salt, iterations, storedKey: createHash(hash).update(clientKey).digest(), serverKey: createHmac(hash, salted).update('Server Key').digest() };
}

/** Entries split on ';' outside the brackets. */
function splitEntries(text: string): string[] {
  const entries: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '[') depth++;
    if (c === ']') depth = Math.max(0, depth - 1);
    if (c === ';' && depth === 0) {
      if (current.trim() !== '') entries.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  if (current.trim() !== '') entries.push(current.trim());
  return entries;
}
