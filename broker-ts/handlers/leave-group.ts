// LeaveGroup (key 13): one member (v0-2) or a batch of members (v3+) leave; the group rebalances.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';

export const leaveGroupHandler = defineHandler({
  apiKey: ApiKey.LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(broker, body, context) {
    const batched = context.apiVersion >= 3;
    const members = batched
      ? (body.members ?? []).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null }))
      : [{ memberId: body.memberId ?? '', groupInstanceId: null }];
    const result = await broker.groups.leaveGroup(body.groupId, members);
    if (batched) return { throttleTimeMs: 0, errorCode: result.errorCode, members: result.members };
    // Before v3 the only member's error is the response's error.
    const errorCode = result.errorCode !== ErrorCode.NONE ? result.errorCode : (result.members[0]?.errorCode ?? ErrorCode.NONE);
    return { throttleTimeMs: 0, errorCode, members: [] };
  },
});
