// ConsumerGroupDescribe (key 69): KIP-848 groups with their epochs, assignor and each member's
// current and target assignment. A classic group, or none, is GROUP_ID_NOT_FOUND (the admin client
// then asks DescribeGroups), as Kafka answers.
import { ApiKey } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';
import { AUTHORIZED_OPERATIONS_OMITTED, GROUP_OPERATIONS } from './authorized-operations.js';

export const consumerGroupDescribeHandler = defineHandler({
  apiKey: ApiKey.ConsumerGroupDescribe,
  minVersion: 0,
  maxVersion: 1,
  handle(broker, body) {
    return {
      throttleTimeMs: 0,
      groups: body.groupIds.map((groupId) => ({
        ...broker.groups.describeConsumerGroup(groupId),
        authorizedOperations: body.includeAuthorizedOperations ? GROUP_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
      })),
    };
  },
});
