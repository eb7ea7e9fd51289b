// Fetch (key 1) on the controller listener: voters replicating __cluster_metadata-0 from the quorum
// leader. The answer may wait (up to max_wait_ms) for new entries or a higher high watermark, and
// carries the diverging epoch when the fetcher's log has entries the leader's does not.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { METADATA_TOPIC, METADATA_TOPIC_ID } from '../metadata/metadata-log.js';
import { defineHandler } from '../server/api-handler.js';
import { fetchFromWire, fetchToWire } from '../raft/raft-wire.js';
import type { FetchResponse } from '../raft/raft-messages.js';

export const metadataFetchHandler = defineHandler({
  apiKey: ApiKey.Fetch,
  minVersion: 4,
  maxVersion: 16,
  async handle(broker, body, context) {
    const replicaId = context.apiVersion >= 15 ? (body.replicaState?.replicaId ?? -1) : (body.replicaId ?? -1);
    const topic = body.topics[0];
    const named = topic?.topic === METADATA_TOPIC || topic?.topicId === METADATA_TOPIC_ID;
    const request = named ? fetchFromWire(body, replicaId) : undefined;
    if (request === undefined || replicaId < 0) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, sessionId: 0, responses: [], nodeEndpoints: [] };
    }
    return fetchToWire((await broker.raft.handle(replicaId, request)) as FetchResponse<Buffer>, METADATA_TOPIC_ID);
  },
});
