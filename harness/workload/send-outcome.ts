/**
 * Whether a failed send certainly did not write its message. Only a broker's deterministic
 * rejection of the request qualifies (kafkajs does not retry those); every other error (timeouts,
 * lost connections, retries exhausted after attempts that may have been appended) is unknown.
 */
const REJECTED_BEFORE_APPEND = new Set([
  'CORRUPT_MESSAGE',
  'MESSAGE_TOO_LARGE',
  'INVALID_TOPIC_EXCEPTION',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_REQUIRED_ACKS',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'INVALID_RECORD',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
  'INVALID_TIMESTAMP',
]);

interface KafkaJsLikeError {
  name?: string;
  type?: string;
  message?: string;
  retriable?: boolean;
  cause?: unknown;
  originalError?: unknown;
}

function innermost(err: unknown): KafkaJsLikeError {
  let e = err as KafkaJsLikeError;
  for (let depth = 0; depth < 5; depth++) {
    const next = (e?.originalError ?? e?.cause) as KafkaJsLikeError | undefined;
    if (!next || typeof next !== 'object') break;
    e = next;
  }
  return e ?? {};
}

export function classifySendError(err: unknown): { type: 'fail' | 'info'; error: string } {
  const outer = (err ?? {}) as KafkaJsLikeError;
  const inner = innermost(err);
  const label = inner.type ?? inner.name ?? outer.name ?? 'Error';
  const error = `${label}: ${inner.message ?? outer.message ?? String(err)}`.slice(0, 300);
  const retriesExhausted = outer.name === 'KafkaJSNumberOfRetriesExceeded';
  if (!retriesExhausted && inner.type && REJECTED_BEFORE_APPEND.has(inner.type)) return { type: 'fail', error };
  return { type: 'info', error };
}
