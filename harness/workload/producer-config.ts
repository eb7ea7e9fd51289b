import { CompressionTypes } from 'kafkajs';
import type { ProducerSpec } from '../experiment/sections.js';
import type { ProducerSettings } from './producer.js';

/** The workload settings of a producer declared in an experiment. */
export function producerSettings(spec: ProducerSpec, topic: string, partitions: number): ProducerSettings {
  return {
    topic,
    partitions,
    acks: spec.acks,
    idempotent: spec.idempotent,
    ...(spec.maxInFlightRequests !== undefined ? { maxInFlightRequests: spec.maxInFlightRequests } : {}),
    rate: spec.rate,
    concurrency: spec.concurrency,
    messageBytes: spec.messageBytes,
    retries: spec.retries,
    ackTimeoutMs: spec.ackTimeoutMs,
    compression: spec.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
  };
}

/** kafkajs client options of a producer declared in an experiment. */
export function producerClientOptions(spec: ProducerSpec): { requestTimeout: number; retry: { retries: number } } {
  return { requestTimeout: spec.requestTimeoutMs, retry: { retries: spec.retries } };
}
