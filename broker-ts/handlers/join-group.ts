// JoinGroup (key 11): see the group coordinator for the protocol.
import { ApiKey } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';

export const joinGroupHandler = defineHandler({
  apiKey: ApiKey.JoinGroup,
  minVersion: 0,
  maxVersion: 9,
  async handle(broker, body, context) {
    const result = await broker.groups.joinGroup(
      { clientId: context.clientId, clientHost: context.clientHost, apiVersion: context.apiVersion },
      {
        groupId: body.groupId,
        sessionTimeoutMs: body.sessionTimeoutMs,
        // v0 has no rebalance timeout: it is the session timeout.
        rebalanceTimeoutMs: body.rebalanceTimeoutMs ?? body.sessionTimeoutMs,
        memberId: body.memberId,
        groupInstanceId: body.groupInstanceId ?? null,
        protocolType: body.protocolType,
        protocols: body.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
      },
    );
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      generationId: result.generationId,
      protocolType: result.protocolType,
      // Before v7 the protocol name is a non-nullable string.
      protocolName: context.apiVersion >= 7 ? result.protocolName : (result.protocolName ?? ''),
      leader: result.leader,
      skipAssignment: result.skipAssignment ?? false,
      memberId: result.memberId,
      members: result.members,
    };
  },
});
