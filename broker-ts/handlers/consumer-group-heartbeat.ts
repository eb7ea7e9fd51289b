// ConsumerGroupHeartbeat (key 68): the KIP-848 consumer group protocol, one request for joining,
// heartbeating (with the partitions the member owns) and leaving; see the consumer group
// coordinator for the rules.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { consumerGroupProtocolEnabled } from '../metadata/features.js';
import { defineHandler } from '../server/api-handler.js';

export const consumerGroupHeartbeatHandler = defineHandler({
  apiKey: ApiKey.ConsumerGroupHeartbeat,
  minVersion: 0,
  maxVersion: 1,
  async handle(broker, body, context) {
    if (!consumerGroupProtocolEnabled(broker.image.finalizedFeatures(), broker.config.groupCoordinatorRebalanceProtocols)) {
      const errorMessage = broker.config.groupCoordinatorRebalanceProtocols.includes('consumer')
        ? 'The new group coordinator is not enabled: group.version is 0.'
        : 'The consumer rebalance protocol is not enabled: group.coordinator.rebalance.protocols does not list consumer.';
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.UNSUPPORTED_VERSION,
        errorMessage,
        memberId: null,
        memberEpoch: 0,
        heartbeatIntervalMs: 0,
        assignment: null,
      };
    }
    const result = await broker.groups.consumerGroupHeartbeat(
      { clientId: context.clientId, clientHost: context.clientHost, apiVersion: context.apiVersion },
      {
        groupId: body.groupId,
        memberId: body.memberId,
        memberEpoch: body.memberEpoch,
        instanceId: body.instanceId,
        rackId: body.rackId,
        rebalanceTimeoutMs: body.rebalanceTimeoutMs,
        subscribedTopicNames: body.subscribedTopicNames,
        subscribedTopicRegex: body.subscribedTopicRegex ?? null,
        serverAssignor: body.serverAssignor,
        topicPartitions: body.topicPartitions,
      },
    );
    return { throttleTimeMs: 0, ...result };
  },
});
