// DescribeGroups (key 15): state, protocol and members of groups (metadata and assignments only
// once a group is Stable, as Kafka shows them).
import { ApiKey } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';
import { AUTHORIZED_OPERATIONS_OMITTED, GROUP_OPERATIONS } from './authorized-operations.js';

export const describeGroupsHandler = defineHandler({
  apiKey: ApiKey.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(broker, body) {
    return {
      throttleTimeMs: 0,
      groups: body.groups.map((groupId) => ({
        ...broker.groups.describeGroup(groupId),
        authorizedOperations: body.includeAuthorizedOperations ? GROUP_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
      })),
    };
  },
});
