// The requests the broker comparison sends to Kafka and to broker-ts: error codes and the shape of
// the answers must agree. Each probe keeps what matters of the answers and names error codes,
// config sources and types as Kafka does, so that a difference reads as what changed.
import { ApiKey, ErrorCode, apiKeyName, encodeRecordBatch, encodeRequest, schema, type BatchOptions } from '@kafka-chaos/protocol';
import {
  ProbeFailed,
  createTopic,
  defineProbe,
  named,
  produce,
  produceStored,
  producerIdFor,
  observe,
  settled,
  type Observation,
  type WireProbe,
} from './wire-probe.js';
import { sleep } from '../wait.js';
import { onlineGroupConversion } from './online-group-conversion-probe.js';
import { retention } from './retention-probe.js';

export { observe } from './wire-probe.js';

const CONFIG_SOURCES = [
  'UNKNOWN',
  'TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'CLIENT_METRICS_CONFIG',
  'GROUP_CONFIG',
];
const CONFIG_TYPES = ['UNKNOWN', 'BOOLEAN', 'STRING', 'INT', 'SHORT', 'LONG', 'DOUBLE', 'LIST', 'CLASS', 'PASSWORD'];

function apiName(apiKey: number): string {
  return `${apiKeyName(apiKey)} (${apiKey})`;
}

const apiVersionRanges = defineProbe({
  name: 'api-versions',
  title: 'ApiVersions: the same minimum versions, maxima no higher than Kafka',
  async run({ client }) {
    const versions = await client.negotiateVersions();
    return Object.fromEntries([...versions].sort(([a], [b]) => a - b).map(([key, v]) => [apiName(key), { min: v.minVersion, max: v.maxVersion }]));
  },
  // broker-ts serves a subset of Kafka's APIs, some not up to Kafka's newest version.
  tolerate(path, kafka, brokerTs) {
    if (path.length === 1 && brokerTs === undefined) return 'an API broker-ts does not serve';
    if (path.length === 2 && path[1] === 'max' && typeof kafka === 'number' && typeof brokerTs === 'number' && brokerTs < kafka)
      return 'a version broker-ts does not serve yet';
    return undefined;
  },
});

const apiVersionsFallback = defineProbe({
  name: 'api-versions-fallback',
  title: 'ApiVersions: an unknown version gets the v0 layout with UNSUPPORTED_VERSION',
  async run({ client }) {
    const unknown = (await client.sendRaw(ApiKey.ApiVersions, 99, Buffer.alloc(0))).subarray(4);
    const invalid = await client.send(ApiKey.ApiVersions, 3, { clientSoftwareName: '-bad-', clientSoftwareVersion: '1' });
    return {
      'v99 answer bytes': unknown.toString('hex'),
      'v99 error': named(unknown.readInt16BE(0)),
      'v99 ApiVersions range': unknown.length >= 10 ? `${unknown.readInt16BE(8)}-${unknown.readInt16BE(10)}` : 'none',
      'invalid software name': observe({ ...invalid, errorCode: named(invalid.errorCode) }),
    };
  },
});

const unservedRequests = defineProbe({
  name: 'unserved-requests',
  title: 'closes the connection for versions and keys it does not serve',
  async run({ connect }) {
    const results: Record<string, Observation> = {};
    for (const [apiKey, version] of [
      [ApiKey.Produce, 2],
      [ApiKey.Metadata, 99],
      [999, 0],
    ] as const) {
      const probe = await connect(5000);
      results[`${apiKeyName(apiKey)} v${version}`] = await probe.sendRaw(apiKey, version, Buffer.alloc(16)).then(
        () => 'answered',
        (e: Error) => e.name,
      );
      await probe.close();
    }
    return results;
  },
});

const metadata = defineProbe({
  name: 'metadata',
  title: 'Metadata: the same shape for a topic, and the same errors for unknown and invalid topics',
  async run({ client }) {
    await createTopic(client, 'cmp-meta', 3);
    const response = await client.send(ApiKey.Metadata, 12, {
      topics: [{ name: 'cmp-meta' }, { name: 'cmp-absent' }, { name: 'bad name' }],
      allowAutoTopicCreation: true,
      includeTopicAuthorizedOperations: true,
    });
    // Once one topic is named by id, Kafka looks up ids only.
    const byId = await client.send(ApiKey.Metadata, 12, {
      topics: [{ name: 'cmp-meta' }, { name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAw' }],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    const nodeId = response.brokers[0]!.nodeId;
    return observe({
      brokers: response.brokers.length,
      controllerIsListed: response.brokers.some((b) => b.nodeId === response.controllerId),
      clusterIdPresent: typeof response.clusterId === 'string' && response.clusterId.length > 0,
      topics: Object.fromEntries(
        response.topics.map((t) => [
          String(t.name),
          {
            errorCode: named(t.errorCode),
            hasTopicId: t.topicId !== schema.ZERO_UUID,
            isInternal: t.isInternal,
            topicAuthorizedOperations: t.topicAuthorizedOperations,
            partitions: t.partitions.map((p) => ({
              ...p,
              errorCode: named(p.errorCode),
              leaderId: p.leaderId === nodeId,
              replicaNodes: p.replicaNodes.length,
              isrNodes: p.isrNodes.length,
            })),
          },
        ]),
      ),
      byId: byId.topics.map((t) => ({ errorCode: named(t.errorCode), name: t.name, topicId: t.topicId })),
    });
  },
});

const createTopicErrors = defineProbe({
  name: 'create-topics',
  title: 'CreateTopics: the same error codes for the same mistakes',
  async run({ client }) {
    await createTopic(client, 'cmp-exists');
    await createTopic(client, 'cmp.dot');
    const response = await client.send(ApiKey.CreateTopics, 7, {
      topics: [
        { name: 'cmp-exists', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'cmp bad', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'cmp-zero', numPartitions: 0, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'cmp-rf0', numPartitions: 1, replicationFactor: 0, assignments: [], configs: [] },
        { name: 'cmp-rf3', numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] },
        { name: 'cmp_dot', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'cmp-cfg', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'segment.bytes', value: '10' }] },
        { name: 'cmp-unknown-cfg', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'no.such', value: '1' }] },
        { name: 'cmp-ok', numPartitions: 2, replicationFactor: -1, assignments: [], configs: [{ name: 'retention.ms', value: '1000' }] },
        { name: 'cmp-twice', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'cmp-null-cfg', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: null }] },
        { name: 'cmp-twice', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 30_000,
      validateOnly: true,
    });
    // A name given twice is answered twice, so these stay a list, in request order.
    return response.topics.map((t) =>
      observe({
        name: t.name,
        errorCode: named(t.errorCode),
        numPartitions: t.numPartitions,
        replicationFactor: t.replicationFactor,
        retention: t.configs?.find((c) => c.name === 'retention.ms')?.value,
      }),
    );
  },
});

const produceErrors = defineProbe({
  name: 'produce',
  title: 'Produce: the same errors for unknown topics, oversized batches and bad acks',
  async run({ client }) {
    await createTopic(client, 'cmp-produce');
    const code = async (answer: ReturnType<typeof produce>) => named((await answer).responses[0]!.partitionResponses[0]!.errorCode);
    const ok = (await produce(client, 'cmp-produce', [{ value: 'a' }, { value: 'b' }])).responses[0]!.partitionResponses[0]!;
    return observe({
      'unknown topic': await code(produce(client, 'cmp-nowhere', [{ value: 'x' }])),
      'unknown partition': await code(produce(client, 'cmp-produce', [{ value: 'x' }], -1, 5)),
      'batch over message.max.bytes': await code(produce(client, 'cmp-produce', [{ value: Buffer.alloc(150_000) }])),
      'acks=3': await code(produce(client, 'cmp-produce', [{ value: 'x' }], 3)),
      'first write': { errorCode: named(ok.errorCode), baseOffset: ok.baseOffset, logStartOffset: ok.logStartOffset, logAppendTimeMs: ok.logAppendTimeMs },
    });
  },
});

const listOffsets = defineProbe({
  name: 'list-offsets',
  title: 'ListOffsets: earliest, latest, max timestamp and by timestamp agree',
  async run({ client }) {
    // Records of 1970 keep the answers the same on both brokers; retention.ms -1 keeps Kafka's
    // retention check (30 s after start, then every 5 minutes) from deleting them meanwhile.
    await createTopic(client, 'cmp-times', 1, [{ name: 'retention.ms', value: '-1' }]);
    await produceStored(client, 'cmp-times', [
      { value: 'a', timestamp: 1000n },
      { value: 'b', timestamp: 3000n },
    ]);
    await produceStored(client, 'cmp-times', [{ value: 'c', timestamp: 2000n }]);
    const partition = (p: { errorCode: number; leaderEpoch?: number }) => ({ ...p, errorCode: named(p.errorCode), leaderEpoch: p.leaderEpoch! >= 0 });
    const answers: Record<string, Observation> = {};
    for (const timestamp of [-2n, -1n, -3n, 1500n, 2500n, 9999n]) {
      const response = await client.send(ApiKey.ListOffsets, 8, {
        replicaId: -1,
        isolationLevel: 1,
        topics: [
          { name: 'cmp-times', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] },
          { name: 'cmp-nowhere', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] },
        ],
      });
      answers[`timestamp ${timestamp}`] = observe(Object.fromEntries(response.topics.map((t) => [t.name, t.partitions.map(partition)])));
    }
    // A partition asked for twice gets one INVALID_REQUEST answer.
    const duplicated = await client.send(ApiKey.ListOffsets, 8, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [
        {
          name: 'cmp-times',
          partitions: [
            { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n },
            { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n },
          ],
        },
      ],
    });
    answers['partition asked twice'] = observe(duplicated.topics[0]!.partitions.map(partition));
    return answers;
  },
});

const fetchErrors = defineProbe({
  name: 'fetch',
  title: 'Fetch: out of range and unknown partitions are answered alike',
  async run({ client }) {
    await createTopic(client, 'cmp-fetch', 2);
    await produceStored(client, 'cmp-fetch', [{ value: 'a' }, { value: 'b' }]);
    await produceStored(client, 'cmp-fetch', [{ value: 'c' }, { value: 'd' }], 1);
    const at = (partition: number, fetchOffset: bigint) => ({
      partition,
      currentLeaderEpoch: -1,
      fetchOffset,
      lastFetchedEpoch: -1,
      logStartOffset: -1n,
      partitionMaxBytes: 1 << 20,
    });
    const response = await client.send(ApiKey.Fetch, 12, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        // Partition 1 named again: Kafka keeps the last position, in the first place.
        { topic: 'cmp-fetch', partitions: [at(0, 50n), at(1, 0n), at(4, 0n), at(1, 1n)] },
        { topic: 'cmp-nowhere', partitions: [at(0, 0n)] },
      ],
      forgottenTopicsData: [],
      rackId: '',
    });
    return observe({
      errorCode: named(response.errorCode ?? 0),
      sessionId: response.sessionId,
      partitions: response.responses.flatMap((t) =>
        t.partitions.map((p) => ({
          ...p,
          errorCode: named(p.errorCode),
          records: p.records?.length ?? -1,
          currentLeader: undefined,
          divergingEpoch: undefined,
          snapshotId: undefined,
        })),
      ),
    });
  },
});

/** Every `errorCode` field of an answer by its name. */
function withNames(value: unknown): unknown {
  return Array.isArray(value)
    ? value.map(withNames)
    : value !== null && typeof value === 'object' && !Buffer.isBuffer(value)
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'errorCode' && typeof v === 'number' ? named(v) : withNames(v)]))
      : value;
}

const groupErrors = defineProbe({
  name: 'groups',
  title: 'group APIs: the same answers for unknown groups and members',
  async run({ client }) {
    const coordinator = await settled(
      () => client.send(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['cmp-group'] }),
      (r) => r.coordinators![0]!.errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE,
    );
    const join = await client.send(ApiKey.JoinGroup, 9, {
      groupId: 'cmp-group',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
      reason: null,
    });
    const heartbeat = await client.send(ApiKey.Heartbeat, 4, { groupId: 'cmp-unknown', generationId: 1, memberId: 'm', groupInstanceId: null });
    const sync = await client.send(ApiKey.SyncGroup, 5, {
      groupId: 'cmp-unknown',
      generationId: 1,
      memberId: 'm',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [],
    });
    const leave = await client.send(ApiKey.LeaveGroup, 5, { groupId: 'cmp-unknown', members: [{ memberId: 'm', groupInstanceId: null, reason: null }] });
    const offsets = await client.send(ApiKey.OffsetFetch, 9, {
      groups: [{ groupId: 'cmp-unknown', memberId: null, memberEpoch: -1, topics: [{ name: 'cmp-nowhere', partitionIndexes: [0, 1] }] }],
      requireStable: false,
    });
    const offsetsV7 = await client.send(ApiKey.OffsetFetch, 7, { groupId: 'cmp-unknown', topics: null, requireStable: false });
    const described = await client.send(ApiKey.DescribeGroups, 5, { groups: ['cmp-unknown'], includeAuthorizedOperations: false });
    const deleted = await client.send(ApiKey.DeleteGroups, 2, { groupsNames: ['cmp-unknown'] });
    const commit = await client.send(ApiKey.OffsetCommit, 9, {
      groupId: 'cmp-unknown',
      generationIdOrMemberEpoch: 3,
      memberId: 'm',
      groupInstanceId: null,
      topics: [{ name: 'cmp-nowhere', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    return observe(
      withNames({
        FindCoordinator: coordinator.coordinators!.map((c) => ({ key: c.key, errorCode: c.errorCode })),
        JoinGroup: { errorCode: join.errorCode, generationId: join.generationId, members: join.members, memberIdGiven: join.memberId.length > 0 },
        Heartbeat: heartbeat.errorCode,
        SyncGroup: sync.errorCode,
        LeaveGroup: { errorCode: leave.errorCode, members: leave.members },
        'OffsetFetch v9': offsets.groups,
        'OffsetFetch v7': { errorCode: offsetsV7.errorCode, topics: offsetsV7.topics },
        DescribeGroups: described.groups.map((g) => ({ ...g, authorizedOperations: undefined })),
        DeleteGroups: deleted.results,
        OffsetCommit: commit.topics,
      }),
    );
  },
});

const staticMembership = defineProbe({
  name: 'static-membership',
  title: 'static members (KIP-345): a restart keeps the generation, the old member id is fenced, LeaveGroup by instance id',
  // A connection of its own: a request some release never answers (Kafka 4.3.1 parks a static
  // member's first JoinGroup past the timeout) must not stall the probes after it.
  async run({ connect }) {
    const client = await connect(30_000);
    try {
      const groupId = 'cmp-static';
      await createTopic(client, 'cmp-static');
      await settled(
        () => client.send(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: [groupId] }),
        (r) => r.coordinators![0]!.errorCode !== ErrorCode.NONE,
      );
      const join = (groupInstanceId: string) =>
        client.send(ApiKey.JoinGroup, 9, {
          groupId,
          sessionTimeoutMs: 30_000,
          rebalanceTimeoutMs: 30_000,
          memberId: '',
          groupInstanceId,
          protocolType: 'consumer',
          protocols: [{ name: 'range', metadata: Buffer.from('subscription') }],
          reason: null,
        });
      const heartbeat = (memberId: string, groupInstanceId: string | null, generationId: number) =>
        client.send(ApiKey.Heartbeat, 4, { groupId, generationId, memberId, groupInstanceId }).then((r) => named(r.errorCode));
      const sync = (memberId: string, generationId: number, assignments: { memberId: string; assignment: Buffer }[]) =>
        client.send(ApiKey.SyncGroup, 5, {
          groupId,
          generationId,
          memberId,
          groupInstanceId: 'i-1',
          protocolType: 'consumer',
          protocolName: 'range',
          assignments,
        });
      // A member id is `<instance id>-<uuid>`: observed as its prefix.
      const idOf = (memberId: string) => (memberId.startsWith('i-1-') ? 'i-1-…' : memberId);

      const first = await join('i-1');
      const firstSync = await sync(first.memberId, first.generationId, [{ memberId: first.memberId, assignment: Buffer.from('partitions') }]);
      const fencing = {
        'the bound member id': await heartbeat(first.memberId, 'i-1', first.generationId),
        'another member id': await heartbeat('someone-else', 'i-1', first.generationId),
        'an unknown instance': await heartbeat(first.memberId, 'i-2', first.generationId),
      };
      // The instance restarts: it joins again without a member id.
      const again = await join('i-1');
      const afterRestart = {
        'old member id': await heartbeat(first.memberId, 'i-1', again.generationId),
        'new member id': await heartbeat(again.memberId, 'i-1', again.generationId),
      };
      const againSync = await sync(again.memberId, again.generationId, []);
      const staleCommit = await client.send(ApiKey.OffsetCommit, 9, {
        groupId,
        generationIdOrMemberEpoch: first.generationId,
        memberId: first.memberId,
        groupInstanceId: 'i-1',
        topics: [{ name: 'cmp-static', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }],
      });
      const leave = await client.send(ApiKey.LeaveGroup, 5, {
        groupId,
        members: [
          { memberId: '', groupInstanceId: 'i-9', reason: null },
          { memberId: 'someone-else', groupInstanceId: 'i-1', reason: null },
          { memberId: '', groupInstanceId: 'i-1', reason: null },
        ],
      });
      const described = await settled(
        () => client.send(ApiKey.DescribeGroups, 5, { groups: [groupId], includeAuthorizedOperations: false }),
        (r) => r.groups[0]!.groupState === 'PreparingRebalance',
      );
      return observe(
        withNames({
          'first JoinGroup': {
            errorCode: first.errorCode,
            generationId: first.generationId,
            memberId: idOf(first.memberId),
            leader: idOf(first.leader),
            members: first.members.map((m) => ({ ...m, memberId: idOf(m.memberId) })),
          },
          'first SyncGroup': { errorCode: firstSync.errorCode, assignment: firstSync.assignment.toString() },
          'Heartbeat naming instance i-1 with': fencing,
          'JoinGroup after a restart': {
            errorCode: again.errorCode,
            generationId: again.generationId,
            'a new member id': again.memberId !== first.memberId,
            memberId: idOf(again.memberId),
            leader: idOf(again.leader),
            skipAssignment: again.skipAssignment,
            members: again.members.map((m) => ({ ...m, memberId: idOf(m.memberId) })),
          },
          'Heartbeat after the restart, with the': afterRestart,
          'SyncGroup after the restart': { errorCode: againSync.errorCode, assignment: againSync.assignment.toString() },
          'OffsetCommit with the old member id': staleCommit.topics,
          LeaveGroup: { errorCode: leave.errorCode, members: (leave.members ?? []).map((m) => ({ ...m, memberId: idOf(m.memberId) })) },
          'DescribeGroups after the leave': described.groups.map((g) => ({ groupState: g.groupState, members: g.members.length })),
        }),
      );
    } finally {
      await client.close();
    }
  },
});

/** A ConsumerProtocolSubscription v0: the consumer protocol's member metadata, naming its topics. */
function consumerSubscription(topics: readonly string[]): Buffer {
  const names = topics.map((t) => Buffer.from(t));
  const out = Buffer.alloc(2 + 4 + names.reduce((n, b) => n + 2 + b.length, 0) + 4);
  let at = out.writeInt16BE(0, 0);
  at = out.writeInt32BE(names.length, at);
  for (const name of names) {
    at = out.writeInt16BE(name.length, at);
    at += name.copy(out, at);
  }
  out.writeInt32BE(-1, at);
  return out;
}

const consumerGroupProtocol = defineProbe({
  name: 'consumer-group-protocol',
  title:
    'KIP-848 consumer groups: joining, revocation before reassignment, fencing by epoch, malformed heartbeats, ConsumerGroupDescribe, offsets committed and fetched with member epochs, leaving',
  async run({ connect }) {
    const client = await connect(30_000);
    try {
      const groupId = 'cmp-848';
      await createTopic(client, 'cmp-848', 2);
      const topicId = (
        await client.send(ApiKey.Metadata, 12, { topics: [{ name: 'cmp-848' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
      ).topics[0]!.topicId!;
      await settled(
        () => client.send(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: [groupId] }),
        (r) => r.coordinators![0]!.errorCode !== ErrorCode.NONE,
      );
      const beat = (
        memberId: string,
        memberEpoch: number,
        fields: { owned?: number[] | null; topics?: string[] | null; rebalanceTimeoutMs?: number; instanceId?: string } = {},
      ) =>
        client.send(ApiKey.ConsumerGroupHeartbeat, 1, {
          groupId,
          memberId,
          memberEpoch,
          instanceId: fields.instanceId ?? null,
          rackId: null,
          rebalanceTimeoutMs: fields.rebalanceTimeoutMs ?? (memberEpoch === 0 ? 30_000 : -1),
          subscribedTopicNames: fields.topics === undefined ? (memberEpoch === 0 ? ['cmp-848'] : null) : fields.topics,
          subscribedTopicRegex: null,
          serverAssignor: null,
          topicPartitions:
            fields.owned === undefined ? (memberEpoch === 0 ? [] : null) : fields.owned === null ? null : [{ topicId, partitions: fields.owned }],
        });
      const partitionsOf = (r: { assignment: { topicPartitions: { partitions: number[] }[] } | null }) =>
        r.assignment === null ? null : r.assignment.topicPartitions.flatMap((t) => t.partitions).sort();
      // What a heartbeat answers; which partition a member keeps is the assignor's choice, so only how many.
      const shape = (r: Awaited<ReturnType<typeof beat>>) => ({
        errorCode: named(r.errorCode),
        // Epochs in messages depend on how many assignments each broker made on the way.
        errorMessage: r.errorCode === 0 ? null : (r.errorMessage?.replace(/\(-?\d+\)/g, '(…)') ?? null),
        memberEpoch: r.errorCode === 0 ? r.memberEpoch : null,
        heartbeatIntervalMs: r.errorCode === 0 ? r.heartbeatIntervalMs : null,
        assigned: r.errorCode === 0 ? (partitionsOf(r)?.length ?? 'unchanged') : null,
      });
      const describe = (ids: string[]) =>
        client.send(ApiKey.ConsumerGroupDescribe, 1, { groupIds: ids, includeAuthorizedOperations: false }).then((r) =>
          r.groups.map((g) => ({
            errorCode: named(g.errorCode),
            errorMessage: g.errorMessage,
            groupState: g.groupState,
            groupEpoch: g.groupEpoch,
            assignmentEpoch: g.assignmentEpoch,
            members: g.members.map((m) => ({
              memberEpoch: m.memberEpoch,
              memberType: m.memberType,
              assigned: m.assignment.topicPartitions.flatMap((t) => t.partitions).length,
            })),
          })),
        );
      const commit = (memberEpoch: number) =>
        client
          .send(ApiKey.OffsetCommit, 9, {
            groupId,
            generationIdOrMemberEpoch: memberEpoch,
            memberId: 'member-a',
            groupInstanceId: null,
            topics: [{ name: 'cmp-848', partitions: [{ partitionIndex: 0, committedOffset: 0n, committedLeaderEpoch: -1, committedMetadata: null }] }],
          })
          .then((r) => named(r.topics[0]!.partitions[0]!.errorCode));
      const fetch = (memberId: string | null, memberEpoch: number) =>
        client
          .send(ApiKey.OffsetFetch, 9, {
            groups: [{ groupId, memberId, memberEpoch, topics: [{ name: 'cmp-848', partitionIndexes: [0] }] }],
            requireStable: false,
          })
          .then((r) => named(r.groups![0]!.errorCode));

      // Kafka 4.4 computes target assignments at most once a second, in the background
      // (group.consumer.assignment.interval.ms); broker-ts in the heartbeat that needs one. So the
      // two members heartbeat until both are reconciled, and what is compared is where they end.
      const aJoined = await beat('member-a', 0);
      const bJoined = await beat('member-b', 0);
      const members = new Map([
        ['member-a', { epoch: aJoined.memberEpoch, owned: partitionsOf(aJoined) ?? [] }],
        ['member-b', { epoch: bJoined.memberEpoch, owned: partitionsOf(bJoined) ?? [] }],
      ]);
      let overlapped = false;
      let final = await describe([groupId]);
      for (let round = 0; round < 80 && !(final[0]!.groupState === 'Stable' && [...members.values()].every((m) => m.owned.length === 1)); round++) {
        for (const [memberId, member] of members) {
          const r = await beat(memberId, member.epoch, { owned: member.owned });
          if (r.errorCode !== ErrorCode.NONE) throw new ProbeFailed(`heartbeat of ${memberId}: ${named(r.errorCode)} ${r.errorMessage ?? ''}`);
          member.epoch = r.memberEpoch;
          member.owned = partitionsOf(r) ?? member.owned;
        }
        const [a, b] = [...members.values()];
        overlapped ||= a!.owned.some((p) => b!.owned.includes(p));
        final = await describe([groupId]);
        await sleep(250);
      }
      const a = members.get('member-a')!;
      const reconciled = final[0]!;
      return observe({
        // What the first heartbeats carry depends on when Kafka's background assignment finishes.
        'A joins an empty group': { errorCode: named(aJoined.errorCode), memberEpoch: aJoined.memberEpoch > 0 },
        'B joins while A holds everything': { errorCode: named(bJoined.errorCode), memberEpoch: bJoined.memberEpoch > 0 },
        'once both are reconciled': {
          groupState: reconciled.groupState,
          "group epoch = assignment epoch = both members' epochs": reconciled.members.every(
            (m) => m.memberEpoch === reconciled.groupEpoch && m.memberEpoch === reconciled.assignmentEpoch,
          ),
          'partitions each member holds': reconciled.members.map((m) => m.assigned),
          'a partition held by both members at once': overlapped,
        },
        'unknown and classic groups described': await describe(['cmp-848-none']),
        "an epoch above the member's": shape(await beat('member-a', a.epoch + 5)),
        'a member that never joined': shape(await beat('member-z', 3)),
        'epoch 0 without owned partitions': shape(await beat('member-c', 0, { owned: null })),
        'epoch 0 with owned partitions': shape(await beat('member-c', 0, { owned: [1] })),
        'epoch 0 without a subscription': shape(await beat('member-c', 0, { topics: null })),
        'epoch 0 without a rebalance timeout': shape(await beat('member-c', 0, { rebalanceTimeoutMs: -1 })),
        'an epoch below -2': shape(await beat('member-c', -7)),
        'epoch -2 without an instance id': shape(await beat('member-a', -2)),
        'OffsetCommit with the member epoch, a newer one': [await commit(a.epoch), await commit(a.epoch + 1)],
        'OffsetFetch with the member epoch, another, no member': [
          await fetch('member-a', a.epoch),
          await fetch('member-a', a.epoch + 1),
          await fetch(null, -1),
        ],
        'A leaves': shape(await beat('member-a', -1)),
        'A again after leaving': shape(await beat('member-a', a.epoch)),
      });
    } finally {
      await client.close();
    }
  },
});

const offsetDelete = defineProbe({
  name: 'offset-delete',
  title: 'OffsetDelete: offsets of an empty group deleted, of a subscribed topic refused, unknown groups and topics named',
  // A connection of its own, as static-membership has.
  async run({ connect }) {
    const client = await connect(30_000);
    try {
      await createTopic(client, 'cmp-od', 2);
      await createTopic(client, 'cmp-od-other', 1);
      await settled(
        () => client.send(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['cmp-od-simple', 'cmp-od-consumer', 'cmp-od-connect'] }),
        (r) => r.coordinators!.some((c) => c.errorCode !== ErrorCode.NONE),
      );
      const commit = (groupId: string, topic: string, partitions: number[], generationId = -1, memberId = '') =>
        client.send(ApiKey.OffsetCommit, 9, {
          groupId,
          generationIdOrMemberEpoch: generationId,
          memberId,
          groupInstanceId: null,
          topics: [
            { name: topic, partitions: partitions.map((p) => ({ partitionIndex: p, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: null })) },
          ],
        });
      const remove = (groupId: string, topics: { name: string; partitions: number[] }[]) =>
        client.send(ApiKey.OffsetDelete, 0, {
          groupId,
          topics: topics.map((t) => ({ name: t.name, partitions: t.partitions.map((partitionIndex) => ({ partitionIndex })) })),
        });
      const fetched = async (groupId: string) =>
        (
          await client.send(ApiKey.OffsetFetch, 9, { groups: [{ groupId, memberId: null, memberEpoch: -1, topics: null }], requireStable: false })
        ).groups![0]!.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}@${p.committedOffset}`));
      /** A member of `protocolType` in a group of its own, through its first rebalance. */
      const member = async (groupId: string, protocolType: string, metadata: Buffer) => {
        const join = (memberId: string) =>
          client.send(ApiKey.JoinGroup, 5, {
            groupId,
            sessionTimeoutMs: 30_000,
            rebalanceTimeoutMs: 30_000,
            memberId,
            groupInstanceId: null,
            protocolType,
            protocols: [{ name: 'range', metadata }],
          });
        // The first JoinGroup only earns a member id (MEMBER_ID_REQUIRED).
        const joined = await join((await join('')).memberId);
        await client.send(ApiKey.SyncGroup, 5, {
          groupId,
          generationId: joined.generationId,
          memberId: joined.memberId,
          groupInstanceId: null,
          protocolType,
          protocolName: 'range',
          assignments: [{ memberId: joined.memberId, assignment: Buffer.alloc(0) }],
        });
        return joined;
      };

      await commit('cmp-od-simple', 'cmp-od', [0, 1]);
      const simple = await remove('cmp-od-simple', [
        { name: 'cmp-nowhere', partitions: [0] },
        { name: 'cmp-od', partitions: [0, 7] },
      ]);
      const consumer = await member('cmp-od-consumer', 'consumer', consumerSubscription(['cmp-od']));
      await commit('cmp-od-consumer', 'cmp-od', [0], consumer.generationId, consumer.memberId);
      await commit('cmp-od-consumer', 'cmp-od-other', [0], consumer.generationId, consumer.memberId);
      const subscribed = await remove('cmp-od-consumer', [
        { name: 'cmp-od', partitions: [0] },
        { name: 'cmp-od-other', partitions: [0] },
      ]);
      await member('cmp-od-connect', 'connect', Buffer.from('worker'));
      return observe(
        withNames({
          'an unknown group': await remove('cmp-od-nobody', [{ name: 'cmp-od', partitions: [0] }]),
          'an empty group id': await remove('', [{ name: 'cmp-od', partitions: [0] }]),
          'an offsets-only group': simple,
          'its offsets after': await fetched('cmp-od-simple'),
          'a consumer group subscribed to cmp-od': subscribed,
          'its offsets after ': await fetched('cmp-od-consumer'),
          'a group of another protocol, with members': await remove('cmp-od-connect', [{ name: 'cmp-od', partitions: [0] }]),
        }),
      );
    } finally {
      await client.close();
    }
  },
});

const electLeaders = defineProbe({
  name: 'elect-leaders',
  title:
    'ElectLeaders: a led partition needs no election (preferred or unclean), unknown topics and partitions are named, all partitions leave out those that need none',
  // A connection of its own, as static-membership has.
  async run({ connect }) {
    const client = await connect(30_000);
    try {
      await createTopic(client, 'cmp-elect', 2);
      const elect = (version: number, electionType: number, topicPartitions: { topic: string; partitions: number[] }[] | null) =>
        client.send(ApiKey.ElectLeaders, version, { electionType, topicPartitions, timeoutMs: 10_000 });
      const named = [
        { topic: 'cmp-elect', partitions: [0, 1, 9] },
        { topic: 'cmp-nowhere', partitions: [0] },
      ];
      const all = await elect(2, 0, null);
      return observe(
        withNames({
          'preferred v2': await elect(2, 0, named),
          'unclean v2': await elect(2, 1, named),
          'preferred v0': await elect(0, 0, [{ topic: 'cmp-elect', partitions: [0] }]),
          'an unknown election type': await elect(2, 5, [{ topic: 'cmp-elect', partitions: [0] }]),
          'every partition (the test topic)': { errorCode: all.errorCode, results: all.replicaElectionResults.filter((r) => r.topic === 'cmp-elect') },
        }),
      );
    } finally {
      await client.close();
    }
  },
});

const updateFeatures = defineProbe({
  name: 'update-features',
  title: 'UpdateFeatures: the same refusals at v0, v1 and v2, and the finalized levels ApiVersions reports after',
  async run({ client }) {
    const [UPGRADE, SAFE_DOWNGRADE, UNSAFE_DOWNGRADE] = [1, 2, 3];
    const finalizedMetadataVersion = async () => {
      const r = await client.send(ApiKey.ApiVersions, 4, { clientSoftwareName: 'cmp', clientSoftwareVersion: '1' });
      return r.finalizedFeatures?.find((f) => f.name === 'metadata.version')?.maxVersionLevel ?? null;
    };
    const current = await finalizedMetadataVersion();
    if (current === null) throw new ProbeFailed('ApiVersions v4 lists no finalized metadata.version');
    const update = async (version: number, updates: { feature: string; maxVersionLevel: number; upgradeType: number }[], validateOnly = false) => {
      const r = await client.send(ApiKey.UpdateFeatures, version, {
        timeoutMs: 10_000,
        featureUpdates: updates.map((u) => ({ ...u, allowDowngrade: u.upgradeType !== UPGRADE })),
        validateOnly,
      });
      const results = r.results?.map((x) => ({ feature: x.feature, errorCode: named(x.errorCode), errorMessage: x.errorMessage ?? null }));
      return observe({ errorCode: named(r.errorCode), errorMessage: r.errorMessage ?? null, ...(results === undefined ? {} : { results }) });
    };
    const mv = (maxVersionLevel: number, upgradeType = UPGRADE) => ({ feature: 'metadata.version', maxVersionLevel, upgradeType });
    const elr = (maxVersionLevel: number) => ({ feature: 'eligible.leader.replicas.version', maxVersionLevel, upgradeType: UPGRADE });
    return observe({
      'metadata.version at the supported maximum': current,
      'v2: metadata.version to its own level': await update(2, [mv(current)]),
      'v1: the same, validate only': await update(1, [mv(current)], true),
      'v0: the same': await update(0, [mv(current)]),
      'v2: metadata.version above the supported maximum': await update(2, [mv(current + 1)]),
      'v2: a safe downgrade of metadata.version': await update(2, [mv(current - 3, SAFE_DOWNGRADE)]),
      'v2: an unsafe downgrade of metadata.version': await update(2, [mv(current - 3, UNSAFE_DOWNGRADE)]),
      'v1: a downgrade sent as an upgrade': await update(1, [mv(current - 3)]),
      'v1: an upgrade sent as a downgrade': await update(1, [mv(current + 1, SAFE_DOWNGRADE)]),
      'v2: an unknown upgrade type': await update(2, [mv(current, 9)]),
      'v2: a negative level': await update(2, [mv(-1, SAFE_DOWNGRADE)]),
      'v2: an unknown feature to 1': await update(2, [{ feature: 'cmp.no.such', maxVersionLevel: 1, upgradeType: UPGRADE }]),
      'v1: an unknown feature disabled': await update(1, [{ feature: 'cmp.no.such', maxVersionLevel: 0, upgradeType: SAFE_DOWNGRADE }]),
      'v1: one good update and one refused': await update(1, [mv(current), { feature: 'cmp.no.such', maxVersionLevel: 1, upgradeType: UPGRADE }]),
      // A new cluster has eligible leader replicas on (Kafka 4.1+), at the only level there is.
      'v2: eligible.leader.replicas.version to its own level': await update(2, [elr(1)]),
      'v2: eligible.leader.replicas.version above its maximum': await update(2, [elr(2)]),
      'metadata.version after': await finalizedMetadataVersion(),
      // The other features Kafka finalizes (transaction.version, ...) broker-ts does not implement.
      'eligible.leader.replicas.version and group.version after': await (async () => {
        const finalized = (await client.send(ApiKey.ApiVersions, 4, { clientSoftwareName: 'cmp', clientSoftwareVersion: '1' })).finalizedFeatures ?? [];
        return ['eligible.leader.replicas.version', 'group.version'].map((name) => finalized.find((f) => f.name === name)?.maxVersionLevel);
      })(),
    });
  },
});

const partitionReassignments = defineProbe({
  name: 'partition-reassignments',
  title: 'AlterPartitionReassignments and ListPartitionReassignments: the same refusals, a move to the same replicas accepted, nothing listed',
  async run({ client }) {
    await createTopic(client, 'cmp-reassign');
    const alter = async (
      version: number,
      partitions: { topic: string; partitionIndex: number; replicas: number[] | null }[],
      allowReplicationFactorChange = true,
    ) => {
      const r = await client.send(ApiKey.AlterPartitionReassignments, version, {
        timeoutMs: 10_000,
        allowReplicationFactorChange,
        topics: [...new Set(partitions.map((p) => p.topic))].map((name) => ({
          name,
          partitions: partitions.filter((p) => p.topic === name).map((p) => ({ partitionIndex: p.partitionIndex, replicas: p.replicas })),
        })),
      });
      return observe({
        errorCode: named(r.errorCode),
        errorMessage: r.errorMessage ?? null,
        responses: r.responses.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: named(p.errorCode), errorMessage: p.errorMessage ?? null })),
        })),
      });
    };
    const list = async (topics: { name: string; partitionIndexes: number[] }[] | null) => {
      const r = await client.send(ApiKey.ListPartitionReassignments, 0, { timeoutMs: 10_000, topics });
      return observe({ errorCode: named(r.errorCode), errorMessage: r.errorMessage ?? null, topics: r.topics });
    };
    const node = (
      await client.send(ApiKey.Metadata, 12, { topics: [{ name: 'cmp-reassign' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    ).topics[0]!.partitions[0]!.leaderId;
    const at = (replicas: number[] | null, partitionIndex = 0, topic = 'cmp-reassign') => ({ topic, partitionIndex, replicas });
    return observe({
      'list all': await list(null),
      'cancel with none in progress': await alter(0, [at(null)]),
      'an unknown topic': await alter(0, [at([node], 0, 'cmp-reassign-absent')]),
      'an unknown partition': await alter(0, [at([node], 5)]),
      'no replicas': await alter(0, [at([])]),
      'a replica twice': await alter(0, [at([node, node])]),
      'an unregistered broker': await alter(0, [at([node, 99])]),
      'v1: the same replicas, the replication factor kept': await alter(1, [at([node])], false),
      'v1: a replication factor change not allowed': await alter(1, [at([node, 99])], false),
      'the same replicas, and an unknown partition': await alter(1, [at([node]), at([node], 9)]),
      'list the topic, partitions 0 and 7': await list([{ name: 'cmp-reassign', partitionIndexes: [0, 7] }]),
    });
  },
});

const describeConfigs = defineProbe({
  name: 'configs',
  title: 'DescribeConfigs: the same topic keys, values and sources',
  async run({ client }) {
    await createTopic(client, 'cmp-configs', 1, [{ name: 'retention.ms', value: '123456' }]);
    const response = await client.send(ApiKey.DescribeConfigs, 4, {
      resources: [
        { resourceType: 2, resourceName: 'cmp-configs', configurationKeys: null },
        { resourceType: 2, resourceName: 'cmp-nowhere', configurationKeys: null },
        { resourceType: 4, resourceName: '7', configurationKeys: null },
      ],
      includeSynonyms: false,
      includeDocumentation: false,
    });
    const resourceTypes: Record<number, string> = { 2: 'topic', 4: 'broker' };
    return Object.fromEntries(
      response.results.map((r) => [
        `${resourceTypes[r.resourceType] ?? r.resourceType} ${r.resourceName}`,
        {
          errorCode: named(r.errorCode),
          errorMessage: r.errorMessage,
          configs: Object.fromEntries(
            r.configs
              // Kafka 4 bootstraps a cluster-level min.insync.replicas record (ELR), which broker-ts does not.
              .filter((c) => c.name !== 'min.insync.replicas')
              .sort((a, b) => a.name.localeCompare(b.name))
              .map((c) => [
                c.name,
                {
                  value: c.value,
                  source: CONFIG_SOURCES[c.configSource] ?? c.configSource,
                  readOnly: c.readOnly,
                  type: CONFIG_TYPES[c.configType!] ?? c.configType ?? null,
                },
              ]),
          ),
        },
      ]),
    );
  },
});

const topicAdminErrors = defineProbe({
  name: 'topic-admin',
  title: 'DeleteTopics, CreatePartitions and DeleteRecords: the same errors',
  async run({ client }) {
    await createTopic(client, 'cmp-admin', 2);
    await createTopic(client, 'cmp-dup', 2);
    await produceStored(client, 'cmp-admin', [{ value: 'a' }]);
    const deleteTopics = await client.send(ApiKey.DeleteTopics, 6, {
      topics: [
        { name: 'cmp-nowhere', topicId: schema.ZERO_UUID },
        { name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAw' },
      ],
      timeoutMs: 10_000,
    });
    const createPartitions = await client.send(ApiKey.CreatePartitions, 3, {
      topics: [
        { name: 'cmp-admin', count: 1, assignments: null },
        { name: 'cmp-nowhere', count: 3, assignments: null },
        { name: 'cmp-dup', count: 3, assignments: null },
        { name: 'cmp-dup', count: 4, assignments: null },
      ],
      timeoutMs: 10_000,
      validateOnly: true,
    });
    const deleteRecords = await client.send(ApiKey.DeleteRecords, 2, {
      topics: [
        {
          name: 'cmp-admin',
          partitions: [
            { partitionIndex: 0, offset: 5n },
            { partitionIndex: 1, offset: 0n },
            { partitionIndex: 9, offset: 0n },
          ],
        },
      ],
      timeoutMs: 10_000,
    });
    const deleteTopicsV5 = await client.send(ApiKey.DeleteTopics, 5, { topicNames: ['cmp-nowhere', 'cmp-nowhere2', 'cmp-nowhere'], timeoutMs: 10_000 });
    // Kafka orders these answers by hash; the order carries no meaning.
    const byName = <T extends { name?: string | null }>(a: T, b: T) => String(a.name).localeCompare(String(b.name));
    const results = (rs: { name?: string | null; errorCode: number; errorMessage?: string | null }[]) =>
      rs.map((r) => ({ name: r.name ?? null, errorCode: named(r.errorCode), errorMessage: r.errorMessage ?? null })).sort(byName);
    return observe({
      'DeleteTopics v6': results(deleteTopics.responses),
      'DeleteTopics v5': results(deleteTopicsV5.responses),
      CreatePartitions: results(createPartitions.results),
      DeleteRecords: Object.fromEntries(
        deleteRecords.topics[0]!.partitions.map((p) => [`partition ${p.partitionIndex}`, { errorCode: named(p.errorCode), lowWatermark: p.lowWatermark }]),
      ),
    });
  },
});

const initProducerId = defineProbe({
  name: 'init-producer-id',
  title: 'InitProducerId hands an idempotent producer an id with epoch 0',
  async run({ client }) {
    const r = await settled(
      () => client.send(ApiKey.InitProducerId, 5, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 }),
      (r) => r.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS || r.errorCode === ErrorCode.NOT_COORDINATOR,
    );
    return { errorCode: named(r.errorCode), producerEpoch: r.producerEpoch, hasId: r.producerId >= 0n };
  },
});

const acksZero = defineProbe({
  name: 'acks0',
  title: 'acks=0 Produce gets no response',
  async run({ client }) {
    await createTopic(client, 'cmp-acks0');
    // Kafka lists a new partition's leader a moment before it leads, and closes the connection on
    // an acks=0 Produce it cannot take (NOT_LEADER_OR_FOLLOWER): an acks=all write first waits that out.
    await produceStored(client, 'cmp-acks0', [{ value: 'ready' }]);
    const unexpected: number[] = [];
    const listener = (id: number) => unexpected.push(id);
    client.on('unexpected-response', listener);
    const frame = encodeRequest(
      { apiKey: ApiKey.Produce, apiVersion: 9, correlationId: 123_456, clientId: 'cmp' },
      {
        transactionalId: null,
        acks: 0,
        timeoutMs: 1000,
        topicData: [{ name: 'cmp-acks0', partitionData: [{ index: 0, records: encodeRecordBatch([{ value: 'x' }]) }] }],
      },
    );
    await client.writeBytes(frame);
    // A request sent after it is answered, so anything the broker had to say about the first has arrived.
    await client.send(ApiKey.ApiVersions, 2, {});
    client.off('unexpected-response', listener);
    return { 'responses to an acks=0 Produce': unexpected.length };
  },
});

/** In the order they run: later probes create topics of their own, none depends on another. */
const incrementalAlterConfigs = defineProbe({
  name: 'incremental-alter-configs',
  title: 'IncrementalAlterConfigs: the same answers for SET, DELETE, APPEND and SUBTRACT, and the same overrides after',
  async run({ client }) {
    await createTopic(client, 'cmp-incremental', 1, [{ name: 'retention.ms', value: '60000' }]);
    const [SET, DELETE, APPEND, SUBTRACT] = [0, 1, 2, 3];
    const steps: Record<string, { resourceType: number; resourceName: string; configs: { name: string; configOperation: number; value: string | null }[] }> = {
      'set one key': { resourceType: 2, resourceName: 'cmp-incremental', configs: [{ name: 'max.message.bytes', configOperation: SET, value: '5000' }] },
      'delete one key': { resourceType: 2, resourceName: 'cmp-incremental', configs: [{ name: 'retention.ms', configOperation: DELETE, value: null }] },
      'append to the default list': {
        resourceType: 2,
        resourceName: 'cmp-incremental',
        configs: [{ name: 'cleanup.policy', configOperation: APPEND, value: 'compact' }],
      },
      'subtract from the list': {
        resourceType: 2,
        resourceName: 'cmp-incremental',
        configs: [{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' }],
      },
      'append to a non-list key': {
        resourceType: 2,
        resourceName: 'cmp-incremental',
        configs: [{ name: 'retention.ms', configOperation: APPEND, value: '5' }],
      },
      'an invalid value': { resourceType: 2, resourceName: 'cmp-incremental', configs: [{ name: 'retention.ms', configOperation: SET, value: 'soon' }] },
      'an unknown key': { resourceType: 2, resourceName: 'cmp-incremental', configs: [{ name: 'no.such.key', configOperation: SET, value: '1' }] },
      'a key twice': {
        resourceType: 2,
        resourceName: 'cmp-incremental',
        configs: [
          { name: 'retention.ms', configOperation: SET, value: '1' },
          { name: 'retention.ms', configOperation: DELETE, value: null },
        ],
      },
      'an unknown operation': { resourceType: 2, resourceName: 'cmp-incremental', configs: [{ name: 'retention.ms', configOperation: 9, value: '1' }] },
      'a null value to set': { resourceType: 2, resourceName: 'cmp-incremental', configs: [{ name: 'retention.ms', configOperation: SET, value: null }] },
      'an unknown topic': { resourceType: 2, resourceName: 'cmp-nowhere', configs: [{ name: 'retention.ms', configOperation: SET, value: '1' }] },
      'a static broker key': { resourceType: 4, resourceName: '', configs: [{ name: 'node.id', configOperation: SET, value: '7' }] },
    };
    const answers: Record<string, Observation> = {};
    for (const [step, resource] of Object.entries(steps)) {
      const response = await client.send(ApiKey.IncrementalAlterConfigs, 1, { resources: [resource], validateOnly: false });
      const r = response.responses[0]!;
      answers[step] = { errorCode: named(r.errorCode), errorMessage: r.errorMessage };
    }
    const described = await client.send(ApiKey.DescribeConfigs, 4, {
      resources: [{ resourceType: 2, resourceName: 'cmp-incremental', configurationKeys: null }],
      includeSynonyms: false,
      includeDocumentation: false,
    });
    // Source 1: the topic's own overrides.
    const overrides = Object.fromEntries(
      described.results[0]!.configs.filter((c) => c.configSource === 1)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((c) => [c.name, c.value]),
    );
    return { answers, 'overrides after': overrides };
  },
});

const describeLogDirs = defineProbe({
  name: 'log-dirs',
  title: 'DescribeLogDirs: one log dir with the replicas asked for, their sizes and lags, and its volume',
  async run({ client }) {
    await createTopic(client, 'cmp-logdirs', 2);
    await produceStored(client, 'cmp-logdirs', [{ value: Buffer.from('one') }, { value: Buffer.from('two') }]);
    // Kafka opens a new partition's log as it takes the leadership, a moment after Metadata lists
    // the leader: partition 1, never written, may not be there yet.
    await settled(
      () => client.send(ApiKey.DescribeLogDirs, 5, { topics: [{ topic: 'cmp-logdirs', partitions: [0, 1] }] }),
      (r) => (r.results[0]?.topics[0]?.partitions.length ?? 0) < 2,
    );
    const observe = async (version: number, topics: { topic: string; partitions: number[] }[] | null) => {
      const response = await client.send(ApiKey.DescribeLogDirs, version, { topics });
      return {
        errorCode: response.errorCode === undefined ? null : named(response.errorCode),
        results: response.results.map((r) => ({
          errorCode: named(r.errorCode),
          // The paths differ (each broker has its own temp dir); whether it is absolute does not.
          absolute: r.logDir.startsWith('/'),
          topics: Object.fromEntries(
            r.topics
              .filter((t) => topics !== null || t.name === 'cmp-logdirs')
              .map((t) => [
                t.name,
                Object.fromEntries(
                  t.partitions.map((p) => [
                    String(p.partitionIndex),
                    { size: Number(p.partitionSize), offsetLag: Number(p.offsetLag), isFutureKey: p.isFutureKey },
                  ]),
                ),
              ]),
          ),
          volume: r.totalBytes === undefined ? 'not in this version' : r.totalBytes > 0n && r.usableBytes! > 0n && r.usableBytes! <= r.totalBytes,
          isCordoned: r.isCordoned ?? 'not in this version',
        })),
      };
    };
    return {
      'v5, partitions 0, 1 and 5': await observe(5, [{ topic: 'cmp-logdirs', partitions: [0, 1, 5] }]),
      'v1, every topic': await observe(1, null),
      'v4, an unknown topic': await observe(4, [{ topic: 'cmp-nowhere', partitions: [0] }]),
    };
  },
});

const transactions = defineProbe({
  name: 'transactions',
  title: 'ListTransactions and DescribeTransactions: the same transactions, states, filters and errors',
  async run({ client }) {
    await createTopic(client, 'cmp-txn', 2);
    const a = await producerIdFor(client, 'cmp-txn-a');
    const b = await producerIdFor(client, 'cmp-txn-b');
    const added = await client.send(ApiKey.AddPartitionsToTxn, 3, {
      v3AndBelowTransactionalId: 'cmp-txn-a',
      v3AndBelowProducerId: a.producerId,
      v3AndBelowProducerEpoch: a.producerEpoch,
      v3AndBelowTopics: [{ name: 'cmp-txn', partitions: [0, 1] }],
    });
    const names = new Map([
      [a.producerId, 'producer of a'],
      [b.producerId, 'producer of b'],
    ]);
    const list = async (filters: {
      stateFilters?: string[];
      producerIdFilters?: bigint[];
      durationFilter?: bigint;
      transactionalIdPattern?: string | null;
    }) => {
      const r = await client.send(ApiKey.ListTransactions, 2, {
        stateFilters: filters.stateFilters ?? [],
        producerIdFilters: filters.producerIdFilters ?? [],
        durationFilter: filters.durationFilter ?? -1n,
        transactionalIdPattern: filters.transactionalIdPattern ?? null,
      });
      return {
        errorCode: named(r.errorCode),
        unknownStateFilters: r.unknownStateFilters,
        transactions: Object.fromEntries(
          r.transactionStates
            .filter((t) => t.transactionalId.startsWith('cmp-txn-'))
            .sort((x, y) => x.transactionalId.localeCompare(y.transactionalId))
            .map((t) => [t.transactionalId, { state: t.transactionState, producer: names.get(t.producerId) ?? 'another' }]),
        ),
      };
    };
    const described = await client.send(ApiKey.DescribeTransactions, 0, { transactionalIds: ['cmp-txn-a', 'cmp-txn-b', 'cmp-txn-none', ''] });
    const observation = {
      AddPartitionsToTxn: added.resultsByTopicV3AndBelow.flatMap((t) => t.resultsByPartition.map((p) => named(p.partitionErrorCode))),
      'list all': await list({}),
      'list Ongoing and Sleeping': await list({ stateFilters: ['Ongoing', 'Sleeping'] }),
      "list b's producer id": await list({ producerIdFilters: [b.producerId] }),
      'list matching cmp-txn-.': await list({ transactionalIdPattern: 'cmp-txn-.' }),
      'list matching cmp-txn': await list({ transactionalIdPattern: 'cmp-txn' }),
      'list matching (': await list({ transactionalIdPattern: '(' }),
      'list running over an hour': await list({ durationFilter: 3_600_000n }),
      'list running over 0 ms': await list({ durationFilter: 0n }),
      describe: Object.fromEntries(
        described.transactionStates.map((t) => [
          t.transactionalId === '' ? '(empty id)' : t.transactionalId,
          {
            errorCode: named(t.errorCode),
            state: t.transactionState,
            timeoutMs: t.transactionTimeoutMs,
            started: t.transactionStartTimeMs > 0n ? 'at a time' : String(t.transactionStartTimeMs),
            producer: names.get(t.producerId) ?? String(t.producerId),
            producerEpoch: t.producerEpoch,
            topics: Object.fromEntries(t.topics.map((x) => [x.topic, [...x.partitions].sort()])),
          },
        ]),
      ),
    };
    await client.send(ApiKey.EndTxn, 3, { transactionalId: 'cmp-txn-a', producerId: a.producerId, producerEpoch: a.producerEpoch, committed: false });
    return observation;
  },
});

const describeTopicPartitions = defineProbe({
  name: 'describe-topic-partitions',
  title: 'DescribeTopicPartitions: pages in name order, cursors followed to the end, unknown topics and cursors it cannot follow',
  async run({ client }) {
    await createTopic(client, 'cmp-dtp-a', 3);
    await createTopic(client, 'cmp-dtp-b', 1);
    type Cursor = { topicName: string; partitionIndex: number } | null;
    const ask = (names: string[], responsePartitionLimit: number, cursor: Cursor = null) =>
      client.send(ApiKey.DescribeTopicPartitions, 0, { topics: names.map((name) => ({ name })), responsePartitionLimit, cursor });
    // Node ids and topic ids differ between the clusters: replicas are counted, the leader checked against them.
    const page = (response: Awaited<ReturnType<typeof ask>>) =>
      observe({
        topics: response.topics.map((t) => ({
          name: t.name,
          errorCode: named(t.errorCode),
          hasTopicId: t.topicId !== schema.ZERO_UUID,
          isInternal: t.isInternal,
          topicAuthorizedOperations: t.topicAuthorizedOperations,
          partitions: t.partitions.map((p) => ({
            errorCode: named(p.errorCode),
            partitionIndex: p.partitionIndex,
            leaderIsAReplica: p.replicaNodes.includes(p.leaderId),
            leaderEpoch: p.leaderEpoch,
            replicaNodes: p.replicaNodes.length,
            isrNodes: p.isrNodes.length,
            eligibleLeaderReplicas: p.eligibleLeaderReplicas,
            lastKnownElr: p.lastKnownElr,
            offlineReplicas: p.offlineReplicas.length,
          })),
        })),
        nextCursor: response.nextCursor,
      });
    const pages: Observation[] = [];
    let cursor: Cursor = null;
    do {
      const response = await ask(['cmp-dtp-b', 'cmp-dtp-a'], 2, cursor);
      pages.push(page(response));
      cursor = response.nextCursor;
    } while (cursor !== null && pages.length < 5);
    return {
      'both topics, 2 partitions a page': pages,
      'unknown and illegal topics, one named twice': page(await ask(['cmp-dtp-absent', 'bad name', 'cmp-dtp-a', 'cmp-dtp-absent'], 2000)),
      'a page filled up to an unknown topic': page(await ask(['cmp-dtp-a', 'cmp-dtp-absent'], 3)),
      'every topic, from cmp-dtp-a partition 1': page(await ask([], 2, { topicName: 'cmp-dtp-a', partitionIndex: 1 })),
      'a cursor on the second topic named': page(await ask(['cmp-dtp-a', 'cmp-dtp-b'], 10, { topicName: 'cmp-dtp-b', partitionIndex: 0 })),
      'a cursor past the last partition': page(await ask(['cmp-dtp-a', 'cmp-dtp-b'], 10, { topicName: 'cmp-dtp-a', partitionIndex: 7 })),
      'a cursor at partition 2^31-1': page(await ask(['cmp-dtp-a'], 2, { topicName: 'cmp-dtp-a', partitionIndex: 2147483647 })),
      'a limit of 0': page(await ask(['cmp-dtp-a'], 0)),
      'a cursor on a topic not named': page(await ask(['cmp-dtp-b', 'cmp-dtp-a', 'cmp-dtp-b'], 10, { topicName: 'cmp-dtp-c', partitionIndex: 0 })),
      'a negative cursor partition': page(await ask(['cmp-dtp-a'], 10, { topicName: 'cmp-dtp-a', partitionIndex: -1 })),
    };
  },
});

const describeProducers = defineProbe({
  name: 'describe-producers',
  title:
    "DescribeProducers: an idempotent producer's epoch and last sequence, a transactional producer's open transaction, a partition without producers, unknown partitions and topics",
  async run({ client }) {
    await createTopic(client, 'cmp-dp', 3);
    // Record timestamps are the producer's (CreateTime), so both brokers report the same last timestamp.
    const write = (partition: number, count: number, batch: BatchOptions, transactionalId: string | null = null) =>
      produceStored(
        client,
        'cmp-dp',
        Array.from({ length: count }, (_, i) => ({ value: `dp-${partition}-${i}` })),
        partition,
        { batch, transactionalId },
      );

    const idempotent = await producerIdFor(client, null);
    const idempotentBatch = { producerId: idempotent.producerId, producerEpoch: idempotent.producerEpoch };
    await write(0, 3, { ...idempotentBatch, baseSequence: 0, defaultTimestamp: 1_000n });
    await write(0, 2, { ...idempotentBatch, baseSequence: 3, defaultTimestamp: 2_000n });

    const txn = await producerIdFor(client, 'cmp-dp-txn');
    // Records before the transaction, so that its first offset is not the partition's first.
    await write(1, 2, {});
    const added = await client.send(ApiKey.AddPartitionsToTxn, 3, {
      v3AndBelowTransactionalId: 'cmp-dp-txn',
      v3AndBelowProducerId: txn.producerId,
      v3AndBelowProducerEpoch: txn.producerEpoch,
      v3AndBelowTopics: [{ name: 'cmp-dp', partitions: [1] }],
    });
    const addedCode = added.resultsByTopicV3AndBelow[0]?.resultsByPartition[0]?.partitionErrorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    if (addedCode !== 0) throw new ProbeFailed(`adding cmp-dp-1 to the transaction: ${named(addedCode)}`);
    const txnBatch = { producerId: txn.producerId, producerEpoch: txn.producerEpoch, baseSequence: 0, transactional: true, defaultTimestamp: 3_000n };
    await write(1, 2, txnBatch, 'cmp-dp-txn');

    // Producers by the order they were created in: raw producer ids differ between the brokers.
    const names = new Map([
      [idempotent.producerId, 'idempotent producer'],
      [txn.producerId, 'transactional producer'],
    ]);
    const ask = async (topics: { name: string; partitionIndexes: number[] }[]) => {
      const r = await client.send(ApiKey.DescribeProducers, 0, { topics });
      return observe(
        r.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            errorCode: named(p.errorCode),
            errorMessage: p.errorMessage,
            activeProducers: p.activeProducers.map((s) => ({
              producer: names.get(s.producerId) ?? 'another',
              producerEpoch: s.producerEpoch,
              lastSequence: s.lastSequence,
              lastTimestamp: s.lastTimestamp,
              coordinatorEpoch: s.coordinatorEpoch,
              currentTxnStartOffset: s.currentTxnStartOffset,
            })),
          })),
        })),
      );
    };
    const observation = {
      'partition 0, written by the idempotent producer': await ask([{ name: 'cmp-dp', partitionIndexes: [0] }]),
      'partition 1, with an open transaction': await ask([{ name: 'cmp-dp', partitionIndexes: [1] }]),
      'partition 2, never written': await ask([{ name: 'cmp-dp', partitionIndexes: [2] }]),
      'unknown partitions and topics, illegal names, a partition named twice': await ask([
        { name: 'cmp-dp', partitionIndexes: [7, 2, 2] },
        { name: 'cmp-dp-absent', partitionIndexes: [0] },
        { name: 'bad name', partitionIndexes: [0] },
        { name: '..', partitionIndexes: [0] },
        { name: '', partitionIndexes: [0] },
      ]),
    };
    // Not observed after the abort: Kafka then reports the abort marker's coordinator epoch, which
    // broker-ts's producer state does not record yet (it reports -1).
    await client.send(ApiKey.EndTxn, 3, { transactionalId: 'cmp-dp-txn', producerId: txn.producerId, producerEpoch: txn.producerEpoch, committed: false });
    return observation;
  },
});

export const WIRE_PROBES: readonly WireProbe[] = [
  apiVersionRanges,
  apiVersionsFallback,
  unservedRequests,
  metadata,
  createTopicErrors,
  produceErrors,
  listOffsets,
  retention,
  fetchErrors,
  groupErrors,
  staticMembership,
  consumerGroupProtocol,
  onlineGroupConversion,
  offsetDelete,
  electLeaders,
  updateFeatures,
  partitionReassignments,
  describeConfigs,
  incrementalAlterConfigs,
  describeLogDirs,
  transactions,
  topicAdminErrors,
  initProducerId,
  acksZero,
  describeTopicPartitions,
  describeProducers,
];
