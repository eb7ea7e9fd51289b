// FindCoordinator (key 10): the group coordinator of a group is the leader of the __consumer_offsets
// partition the group id hashes to, the transaction coordinator of a transactional id the leader of
// the __transaction_state partition it hashes to. The first request of each kind creates its topic
// (offsets.topic.* or transaction.state.log.* partitions and replication factor), as Kafka does.
// v4+ looks up several keys at once.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { CONSUMER_OFFSETS_TOPIC, TRANSACTION_STATE_TOPIC } from '../metadata/topic-names.js';
import { defineHandler } from '../server/api-handler.js';
import type { BrokerServices } from '../server/broker-services.js';
import { brokerOnListener } from './listener-endpoints.js';

const CoordinatorType = { GROUP: 0, TRANSACTION: 1 } as const;

interface Coordinator {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
}

export const findCoordinatorHandler = defineHandler({
  apiKey: ApiKey.FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  async handle(broker, body, context) {
    const keyType = body.keyType ?? CoordinatorType.GROUP;
    if (context.apiVersion >= 4) {
      const keys = body.coordinatorKeys ?? [];
      const coordinators: Coordinator[] = [];
      for (const key of keys) coordinators.push(await findCoordinator(broker, keyType, key, context.listenerName));
      return { throttleTimeMs: 0, coordinators };
    }
    const found = await findCoordinator(broker, keyType, body.key ?? '', context.listenerName);
    // Kafka sends an empty message with each coordinator of a v4+ answer, none before.
    const errorMessage = found.errorCode === ErrorCode.NONE ? null : found.errorMessage;
    return { throttleTimeMs: 0, errorCode: found.errorCode, errorMessage, nodeId: found.nodeId, host: found.host, port: found.port };
  },
});

async function findCoordinator(broker: BrokerServices, keyType: number, key: string, listenerName: string): Promise<Coordinator> {
  const fail = (errorCode: number, errorMessage: string | null): Coordinator => ({ key, nodeId: -1, host: '', port: -1, errorCode, errorMessage });
  if (keyType !== CoordinatorType.GROUP && keyType !== CoordinatorType.TRANSACTION)
    return fail(ErrorCode.INVALID_REQUEST, `Unknown coordinator type: ${keyType}`);
  const topic = keyType === CoordinatorType.GROUP ? CONSUMER_OFFSETS_TOPIC : TRANSACTION_STATE_TOPIC;
  try {
    await broker.ensureInternalTopic(topic);
  } catch (error) {
    // Whatever kept the topic from being created (too few brokers for its replication factor, no
    // active controller), Kafka answers with the retriable COORDINATOR_NOT_AVAILABLE, and clients
    // ask again; UNKNOWN_SERVER_ERROR would make kafkajs give up at once.
    broker.logger.warn({ err: error }, `cannot create ${topic}`);
    return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'The coordinator is not available.');
  }
  const partition = keyType === CoordinatorType.GROUP ? broker.groups.partitionFor(key) : broker.txns.partitionFor(key);
  const registration = broker.image.partition(topic, partition);
  const leader = registration === undefined || registration.leader < 0 ? undefined : brokerOnListener(broker, registration.leader, listenerName);
  if (leader === undefined) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'The coordinator is not available.');
  return { key, nodeId: leader.nodeId, host: leader.host, port: leader.port, errorCode: ErrorCode.NONE, errorMessage: '' };
}
