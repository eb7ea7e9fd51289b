// OffsetFetch (key 9): a group's committed offsets, for given partitions or all of them (null
// topics, v2+), for one group (v1-7) or several (v8+, the Java client batches groups).
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';

export const offsetFetchHandler = defineHandler({
  apiKey: ApiKey.OffsetFetch,
  minVersion: 1,
  maxVersion: 9,
  handle(broker, body, context) {
    if (context.apiVersion >= 8) {
      return {
        throttleTimeMs: 0,
        groups: (body.groups ?? []).map((group) => {
          const fetched = broker.groups.fetchOffsets(group.groupId, group.topics ?? null, body.requireStable ?? false, {
            memberId: group.memberId ?? null,
            memberEpoch: group.memberEpoch ?? -1,
          });
          return { groupId: group.groupId, topics: fetched.topics, errorCode: fetched.errorCode };
        }),
      };
    }
    const fetched = broker.groups.fetchOffsets(body.groupId ?? '', body.topics ?? null, body.requireStable ?? false);
    // Before v2 a group-level error can only be told per partition.
    const topics =
      context.apiVersion < 2 && fetched.errorCode !== ErrorCode.NONE
        ? (body.topics ?? []).map((t) => ({
            name: t.name,
            partitions: t.partitionIndexes.map((partitionIndex) => ({
              partitionIndex,
              committedOffset: -1n,
              committedLeaderEpoch: -1,
              metadata: '',
              errorCode: fetched.errorCode,
            })),
          }))
        : fetched.topics;
    return { throttleTimeMs: 0, topics, errorCode: fetched.errorCode };
  },
});
