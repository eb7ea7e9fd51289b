// Admin requests that change cluster metadata (CreateTopics, DeleteTopics, CreatePartitions,
// AlterConfigs, IncrementalAlterConfigs, ElectLeaders) are served by the active controller. On a broker listener, a node that is not the
// active controller forwards the request unchanged over the controller channel and relays the
// answer, as KRaft brokers forward to the controller.
import type { ApiHandler } from '../server/api-handler.js';
import type { SupportedApiKey } from '@kafka-chaos/protocol';

const FORWARD_TIMEOUT_MS = 30_000;

export function forwardToController<K extends SupportedApiKey>(handler: ApiHandler<K>): ApiHandler<K> {
  return {
    ...handler,
    handle(broker, body, context) {
      if (broker.controller.isActive) return handler.handle(broker, body, context);
      return broker.controllerChannel.send(handler.apiKey, context.apiVersion, body, FORWARD_TIMEOUT_MS);
    },
  };
}
