import { isDeepStrictEqual } from 'node:util';
import { errorMessage } from '../errors.js';
import { CheckFailed } from './outcomes.js';
import { pollUntil } from '../wait.js';

/** Values in failure reasons: JSON, cut short so a reason stays readable in the matrix. */
export function show(value: unknown, max = 300): string {
  const text =
    typeof value === 'string'
      ? JSON.stringify(value)
      : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : Buffer.isBuffer(v) ? `<${v.length} bytes>` : v));
  if (text === undefined) return String(value);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function check(condition: unknown, reason: string): asserts condition {
  if (!condition) throw new CheckFailed(reason);
}

export function checkEqual<T>(actual: T, expected: T, what: string): void {
  if (!isDeepStrictEqual(actual, expected)) throw new CheckFailed(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

/** The kafkajs error type (e.g. MESSAGE_TOO_LARGE) of an error or of the first error it wraps. */
export function errorType(err: unknown): string | undefined {
  const e = err as { type?: string; cause?: unknown; originalError?: unknown; errors?: unknown[]; groups?: { error?: unknown }[] };
  if (typeof e?.type === 'string') return e.type;
  // KafkaJSDeleteGroupsError keeps each group's error in `groups`.
  const groupErrors = Array.isArray(e?.groups) ? e.groups.map((g) => g.error) : [];
  for (const inner of [e?.originalError, e?.cause, ...(Array.isArray(e?.errors) ? e.errors : []), ...groupErrors]) {
    if (inner) {
      const t = errorType(inner);
      if (t) return t;
    }
  }
  return undefined;
}

/** An error as a reason: its message, with the kafkajs error type when the message lacks it. */
export function describeError(err: unknown): string {
  const message = errorMessage(err);
  const type = errorType(err);
  return type && !message.includes(type) ? `${message} (${type})` : message;
}

/** Runs one client call; its error, if any, becomes a failure that names the call. */
export async function step<T>(what: string, operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (err) {
    if (err instanceof CheckFailed) throw err;
    throw new CheckFailed(`${what}: ${describeError(err)}`);
  }
}

/** `operation` must be rejected with the kafkajs error `type`; returns the error. */
export async function expectRejection(operation: Promise<unknown>, type: string, what: string): Promise<unknown> {
  let result: unknown;
  try {
    result = await operation;
  } catch (err) {
    const actual = errorType(err);
    if (actual !== type) throw new CheckFailed(`${what}: expected error ${type}, got ${describeError(err)}`);
    return err;
  }
  throw new CheckFailed(`${what}: expected error ${type}, but it succeeded (${show(result)})`);
}

/**
 * Polls `condition` until it returns true; a condition that throws is retried. Fails with `what`
 * and the last error or observation when time runs out.
 */
export async function waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string, describe?: () => string): Promise<void> {
  let last = '';
  const check = async () => {
    if (await condition()) return true;
    last = describe?.() ?? '';
    return false;
  };
  const noted = (err: unknown) => {
    if (err instanceof CheckFailed) throw err;
    last = errorMessage(err);
  };
  if (await pollUntil(check, { timeoutMs, intervalMs: 100, onError: noted })) return;
  throw new CheckFailed(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last: ${last})` : ''}`);
}

export { sleep } from '../wait.js';
