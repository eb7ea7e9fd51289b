// The quorum's messages as Kafka's own requests on the controller listener: Vote v2 (with
// pre-vote), BeginQuorumEpoch v1, EndQuorumEpoch v1 and Fetch v12 of __cluster_metadata-0 (the
// version whose responses carry the diverging epoch). Both directions: what a voter sends, and what
// its controller listener decodes.
import { ApiKey, ErrorCode, schema } from '@kafka-chaos/protocol';
import type { RequestBody, ResponseBody } from '@kafka-chaos/protocol';
import { METADATA_TOPIC } from '../metadata/metadata-log.js';
import type {
  BeginEpochRequest,
  EndEpochRequest,
  EpochResponse,
  FetchRequest,
  FetchResponse,
  RaftErrorCode,
  RaftRequest,
  RaftResponse,
  VoteRequest,
  VoteResponse,
} from './raft-messages.js';

export const RAFT_VERSIONS = { vote: 2, beginEpoch: 1, endEpoch: 1, fetch: 12 } as const;

const ZERO_UUID = schema.ZERO_UUID;

export type WireRequest =
  | { apiKey: typeof ApiKey.Vote; version: number; body: RequestBody<typeof ApiKey.Vote> }
  | { apiKey: typeof ApiKey.BeginQuorumEpoch; version: number; body: RequestBody<typeof ApiKey.BeginQuorumEpoch> }
  | { apiKey: typeof ApiKey.EndQuorumEpoch; version: number; body: RequestBody<typeof ApiKey.EndQuorumEpoch> }
  | { apiKey: typeof ApiKey.Fetch; version: number; body: RequestBody<typeof ApiKey.Fetch> };

export function toWireRequest(clusterId: string, to: number, request: RaftRequest<Buffer>): WireRequest {
  switch (request.kind) {
    case 'vote':
      return {
        apiKey: ApiKey.Vote,
        version: RAFT_VERSIONS.vote,
        body: {
          clusterId,
          voterId: to,
          topics: [
            {
              topicName: METADATA_TOPIC,
              partitions: [
                {
                  partitionIndex: 0,
                  replicaEpoch: request.epoch,
                  replicaId: request.candidateId,
                  replicaDirectoryId: ZERO_UUID,
                  voterDirectoryId: ZERO_UUID,
                  lastOffsetEpoch: request.lastEpoch,
                  lastOffset: request.lastOffset,
                  preVote: request.preVote,
                },
              ],
            },
          ],
        },
      };
    case 'begin-epoch':
      return {
        apiKey: ApiKey.BeginQuorumEpoch,
        version: RAFT_VERSIONS.beginEpoch,
        body: {
          clusterId,
          voterId: to,
          topics: [
            {
              topicName: METADATA_TOPIC,
              partitions: [{ partitionIndex: 0, voterDirectoryId: ZERO_UUID, leaderId: request.leaderId, leaderEpoch: request.epoch }],
            },
          ],
          leaderEndpoints: [],
        },
      };
    case 'end-epoch':
      return {
        apiKey: ApiKey.EndQuorumEpoch,
        version: RAFT_VERSIONS.endEpoch,
        body: {
          clusterId,
          topics: [
            {
              topicName: METADATA_TOPIC,
              partitions: [
                {
                  partitionIndex: 0,
                  leaderId: request.leaderId,
                  leaderEpoch: request.epoch,
                  preferredCandidates: request.preferredSuccessors.map((candidateId) => ({ candidateId, candidateDirectoryId: ZERO_UUID })),
                },
              ],
            },
          ],
          leaderEndpoints: [],
        },
      };
    case 'fetch':
      return {
        apiKey: ApiKey.Fetch,
        version: RAFT_VERSIONS.fetch,
        body: {
          clusterId,
          replicaId: request.replicaId,
          maxWaitMs: request.maxWaitMs,
          minBytes: 1,
          maxBytes: 8 * 1024 * 1024,
          isolationLevel: 0,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [
            {
              topic: METADATA_TOPIC,
              partitions: [
                {
                  partition: 0,
                  currentLeaderEpoch: request.epoch,
                  fetchOffset: request.fetchOffset,
                  lastFetchedEpoch: request.lastFetchedEpoch,
                  logStartOffset: -1n,
                  partitionMaxBytes: 8 * 1024 * 1024,
                },
              ],
            },
          ],
          forgottenTopicsData: [],
          rackId: '',
        },
      };
  }
}

/** The quorum message in a response to `request`; undefined when the response is not about the metadata partition. */
export function fromWireResponse(request: RaftRequest<Buffer>, body: unknown): RaftResponse<Buffer> | undefined {
  switch (request.kind) {
    case 'vote': {
      const response = body as ResponseBody<typeof ApiKey.Vote>;
      const p = response.topics[0]?.partitions[0];
      if (p === undefined) return undefined;
      return {
        kind: 'vote-response',
        error: asRaftError(response.errorCode || p.errorCode),
        epoch: p.leaderEpoch,
        leaderId: p.leaderId,
        granted: p.voteGranted,
        preVote: request.preVote,
      };
    }
    case 'begin-epoch':
    case 'end-epoch': {
      const response = body as ResponseBody<typeof ApiKey.BeginQuorumEpoch>;
      const p = response.topics[0]?.partitions[0];
      if (p === undefined) return undefined;
      return { kind: 'epoch-response', error: asRaftError(response.errorCode || p.errorCode), epoch: p.leaderEpoch, leaderId: p.leaderId };
    }
    case 'fetch': {
      const response = body as ResponseBody<typeof ApiKey.Fetch>;
      const p = response.responses[0]?.partitions[0];
      if (p === undefined) return undefined;
      const diverging = p.divergingEpoch;
      return {
        kind: 'fetch-response',
        error: asRaftError(p.errorCode),
        epoch: p.currentLeader?.leaderEpoch ?? -1,
        leaderId: p.currentLeader?.leaderId ?? -1,
        highWatermark: p.highWatermark,
        divergingEpoch: diverging !== undefined && diverging.epoch >= 0 ? { epoch: diverging.epoch, endOffset: diverging.endOffset } : undefined,
        records: p.records !== null && p.records.length > 0 ? p.records : undefined,
      };
    }
  }
}

// ---- The receiving side ----

export function voteFromWire(body: RequestBody<typeof ApiKey.Vote>): VoteRequest | undefined {
  const p = body.topics[0]?.partitions[0];
  if (p === undefined) return undefined;
  return { kind: 'vote', epoch: p.replicaEpoch, candidateId: p.replicaId, lastEpoch: p.lastOffsetEpoch, lastOffset: p.lastOffset, preVote: p.preVote ?? false };
}

export function voteToWire(response: VoteResponse): ResponseBody<typeof ApiKey.Vote> {
  return {
    errorCode: ErrorCode.NONE,
    topics: [
      {
        topicName: METADATA_TOPIC,
        partitions: [{ partitionIndex: 0, errorCode: response.error, leaderId: response.leaderId, leaderEpoch: response.epoch, voteGranted: response.granted }],
      },
    ],
    nodeEndpoints: [],
  };
}

export function beginEpochFromWire(body: RequestBody<typeof ApiKey.BeginQuorumEpoch>): BeginEpochRequest | undefined {
  const p = body.topics[0]?.partitions[0];
  return p === undefined ? undefined : { kind: 'begin-epoch', epoch: p.leaderEpoch, leaderId: p.leaderId };
}

export function endEpochFromWire(body: RequestBody<typeof ApiKey.EndQuorumEpoch>): EndEpochRequest | undefined {
  const p = body.topics[0]?.partitions[0];
  if (p === undefined) return undefined;
  const successors = p.preferredCandidates?.map((c) => c.candidateId) ?? p.preferredSuccessors ?? [];
  return { kind: 'end-epoch', epoch: p.leaderEpoch, leaderId: p.leaderId, preferredSuccessors: successors };
}

export function epochToWire(response: EpochResponse): ResponseBody<typeof ApiKey.BeginQuorumEpoch> {
  return {
    errorCode: ErrorCode.NONE,
    topics: [
      { topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0, errorCode: response.error, leaderId: response.leaderId, leaderEpoch: response.epoch }] },
    ],
    nodeEndpoints: [],
  };
}

export function fetchFromWire(body: RequestBody<typeof ApiKey.Fetch>, replicaId: number): FetchRequest<Buffer> | undefined {
  const p = body.topics[0]?.partitions[0];
  if (p === undefined) return undefined;
  return {
    kind: 'fetch',
    replicaId,
    epoch: p.currentLeaderEpoch ?? -1,
    fetchOffset: p.fetchOffset,
    lastFetchedEpoch: p.lastFetchedEpoch ?? -1,
    maxWaitMs: body.maxWaitMs,
  };
}

export function fetchToWire(response: FetchResponse<Buffer>, topicId: string): ResponseBody<typeof ApiKey.Fetch> {
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    sessionId: 0,
    responses: [
      {
        topic: METADATA_TOPIC,
        topicId,
        partitions: [
          {
            partitionIndex: 0,
            errorCode: response.error,
            highWatermark: response.highWatermark,
            lastStableOffset: response.highWatermark,
            logStartOffset: 0n,
            divergingEpoch:
              response.divergingEpoch === undefined
                ? { epoch: -1, endOffset: -1n }
                : { epoch: response.divergingEpoch.epoch, endOffset: response.divergingEpoch.endOffset },
            currentLeader: { leaderId: response.leaderId, leaderEpoch: response.epoch },
            snapshotId: { endOffset: -1n, epoch: -1 },
            abortedTransactions: null,
            preferredReadReplica: -1,
            records: response.records ?? Buffer.alloc(0),
          },
        ],
      },
    ],
    nodeEndpoints: [],
  };
}

function asRaftError(code: number): RaftErrorCode {
  switch (code) {
    case ErrorCode.NONE:
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.FENCED_LEADER_EPOCH:
    case ErrorCode.UNKNOWN_LEADER_EPOCH:
      return code as RaftErrorCode;
    default:
      return ErrorCode.NOT_LEADER_OR_FOLLOWER as RaftErrorCode;
  }
}
