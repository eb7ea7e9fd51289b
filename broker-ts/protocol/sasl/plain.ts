// SASL/PLAIN (RFC 4616): one message, `authzid NUL username NUL password`, UTF-8.

export interface PlainCredentials {
  /** Empty when the client acts as itself, which is all Kafka accepts. */
  authorizationId: string;
  username: string;
  password: string;
}

export function encodePlainToken(username: string, password: string, authorizationId = ''): Buffer {
  return Buffer.from(`${authorizationId}\u0000${username}\u0000${password}`, 'utf8');
}

/** The three parts of a PLAIN token, or undefined when it does not have exactly three. */
export function parsePlainToken(token: Buffer): PlainCredentials | undefined {
  const parts = token.toString('utf8').split('\u0000');
  if (parts.length !== 3) return undefined;
  const [authorizationId, username, password] = parts as [string, string, string];
  return { authorizationId, username, password };
}
