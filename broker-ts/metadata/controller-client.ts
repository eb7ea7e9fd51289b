// What a broker component needs to ask the active controller something on this broker's behalf
// (an ISR change, a block of producer ids): a channel to it, and the epoch of this broker's current
// registration, which the controller checks (Kafka's AlterPartitionManager and
// RPCProducerIdManager get the same two things, not the whole server).
import type { RequestBody, ResponseBody, SupportedApiKey } from '@kafka-chaos/protocol';

export interface ControllerClient {
  send<K extends SupportedApiKey>(apiKey: K, version: number, body: RequestBody<K>, timeoutMs: number): Promise<ResponseBody<K>>;
  /** This broker's epoch from its current registration; -1 until it has registered. */
  readonly brokerEpoch: bigint;
}
