// DeleteGroups (key 42): removes empty groups and their committed offsets.
import { ApiKey } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';

export const deleteGroupsHandler = defineHandler({
  apiKey: ApiKey.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  async handle(broker, body) {
    const results = [];
    for (const groupId of body.groupsNames) results.push({ groupId, errorCode: await broker.groups.deleteGroup(groupId) });
    return { throttleTimeMs: 0, results };
  },
});
