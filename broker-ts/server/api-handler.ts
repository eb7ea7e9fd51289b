// The shape of a request handler: one per API key (as franz-go's kfake has one file per key), with
// the version range the broker advertises for it.
import type { RequestBody, ResponseBody, SupportedApiKey } from '@kafka-chaos/protocol';
import type { BrokerServices } from './broker-services.js';
import type { RequestContext } from './request-context.js';

export type HandlerResponse<K extends SupportedApiKey> = ResponseBody<K> | undefined;

export interface ApiHandler<K extends SupportedApiKey = SupportedApiKey> {
  readonly apiKey: K;
  /** The range ApiVersions advertises (a subset of what the protocol layer can decode). */
  readonly minVersion: number;
  readonly maxVersion: number;
  /** Undefined means no response at all (Produce with acks=0). */
  handle(broker: BrokerServices, body: RequestBody<K>, context: RequestContext): HandlerResponse<K> | Promise<HandlerResponse<K>>;
}

export function defineHandler<K extends SupportedApiKey>(handler: ApiHandler<K>): ApiHandler<K> {
  return handler;
}

/**
 * Thrown by a handler when Kafka would close the connection instead of answering (a Produce with
 * acks=0 that failed: the client has no other way to learn of it).
 */
export class CloseConnectionError extends Error {
  override readonly name = 'CloseConnectionError';
}
