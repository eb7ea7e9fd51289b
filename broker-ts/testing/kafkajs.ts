// kafkajs clients for integration tests: quiet (kafkajs logs every retry as an error) and quick to
// give up, so a broken broker fails a test instead of hanging it.
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig } from 'kafkajs';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

export function kafkaClient(bootstrap: string, extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: 'broker-ts-test',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 1000 },
    ...extra,
  });
}

/** Resolves once `check` holds, polling; fails after the timeout with the last value. */
export async function eventually<T>(read: () => T | Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!check(last)) {
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
    await new Promise((r) => setTimeout(r, 50));
    last = await read();
  }
  return last;
}
