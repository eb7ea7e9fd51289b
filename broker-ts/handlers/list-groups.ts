// ListGroups (key 16): the groups this coordinator owns, optionally filtered by state (v4+) and
// type (v5+; broker-ts groups are all "classic").
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';

export const listGroupsHandler = defineHandler({
  apiKey: ApiKey.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(broker, body) {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      groups: broker.groups.listGroups(body.statesFilter ?? [], body.typesFilter ?? []),
    };
  },
});
