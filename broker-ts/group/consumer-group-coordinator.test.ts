// KIP-848 consumer groups through the wire, heartbeat by heartbeat, as the Java client drives them:
// joining, revocation before reassignment, fencing by epoch and by session, offsets committed and
// fetched with member epochs, static members, conversion from and to classic groups, and the group
// surviving a restart of its coordinator (replayed from __consumer_offsets).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode, decodeAssignment, encodeAssignment, encodeSubscription } from '@kafka-chaos/protocol';
import type { WireClient } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';
import { createTopic, syncGroup } from '../testing/wire-helpers.js';

const SESSION_TIMEOUT_MS = 1500;

let node: InProcessBroker;
let client: WireClient;
let topicId: string;

beforeAll(async () => {
  node = await startInProcessBroker({
    properties: { 'group.consumer.session.timeout.ms': String(SESSION_TIMEOUT_MS), 'group.consumer.heartbeat.interval.ms': '500' },
  });
  client = await node.client();
  await createTopic(client, 'cg', 4);
  await createTopic(client, 'cg-other', 2);
  const metadata = await client.send(ApiKey.Metadata, 12, {
    topics: [{ name: 'cg', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
    allowAutoTopicCreation: false,
    includeTopicAuthorizedOperations: false,
  });
  topicId = metadata.topics[0]!.topicId!;
  const found = await client.send(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['warm-up'] });
  expect(found.coordinators![0]).toMatchObject({ errorCode: 0 });
});

afterAll(async () => {
  await node?.stop();
});

interface Beat {
  groupId: string;
  memberId: string;
  memberEpoch: number;
  instanceId?: string | null;
  topics?: string[] | null;
  regex?: string | null;
  owned?: number[] | null;
  assignor?: string | null;
  rebalanceTimeoutMs?: number;
}

function beat(b: Beat) {
  return client.send(ApiKey.ConsumerGroupHeartbeat, 1, {
    groupId: b.groupId,
    memberId: b.memberId,
    memberEpoch: b.memberEpoch,
    instanceId: b.instanceId ?? null,
    rackId: null,
    rebalanceTimeoutMs: b.rebalanceTimeoutMs ?? (b.memberEpoch === 0 ? 30_000 : -1),
    subscribedTopicNames: b.topics === undefined ? (b.memberEpoch === 0 ? ['cg'] : null) : b.topics,
    subscribedTopicRegex: b.regex ?? null,
    serverAssignor: b.assignor ?? null,
    topicPartitions: b.owned === undefined ? (b.memberEpoch === 0 ? [] : null) : b.owned === null ? null : [{ topicId, partitions: b.owned }],
  });
}

/** The partitions of topic `cg` in a heartbeat's assignment (undefined: no assignment sent). */
function assigned(response: Awaited<ReturnType<typeof beat>>): number[] | undefined {
  if (response.assignment === null) return undefined;
  return response.assignment.topicPartitions
    .filter((tp) => tp.topicId === topicId)
    .flatMap((tp) => tp.partitions)
    .sort((a, b) => a - b);
}

function commit(groupId: string, memberId: string, epoch: number, partitions: number[]) {
  return client.send(ApiKey.OffsetCommit, 9, {
    groupId,
    generationIdOrMemberEpoch: epoch,
    memberId,
    groupInstanceId: null,
    topics: [
      {
        name: 'cg',
        partitions: partitions.map((partitionIndex) => ({ partitionIndex, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: '' })),
      },
    ],
  });
}

function describeGroup(groupId: string) {
  return client.send(ApiKey.ConsumerGroupDescribe, 1, { groupIds: [groupId], includeAuthorizedOperations: false }).then((r) => r.groups[0]!);
}

describe('ConsumerGroupHeartbeat', () => {
  it('assigns every partition to a first member, and revokes half from it before a second member gets them', async () => {
    const g = 'kip848-revoke';
    const a1 = await beat({ groupId: g, memberId: 'member-a', memberEpoch: 0 });
    expect(a1).toMatchObject({ errorCode: 0, memberId: 'member-a', memberEpoch: 1, heartbeatIntervalMs: 500 });
    expect(assigned(a1)).toEqual([0, 1, 2, 3]);

    const b1 = await beat({ groupId: g, memberId: 'member-b', memberEpoch: 0 });
    // B is at the new epoch but gets nothing A still holds.
    expect(b1).toMatchObject({ errorCode: 0, memberEpoch: 2 });
    expect(assigned(b1)).toEqual([]);

    // A must give two partitions up and stays at its epoch until it says it has.
    const a2 = await beat({ groupId: g, memberId: 'member-a', memberEpoch: 1, owned: [0, 1, 2, 3] });
    expect(a2.memberEpoch).toBe(1);
    const kept = assigned(a2)!;
    expect(kept).toHaveLength(2);
    expect((await describeGroup(g)).groupState).toBe('Reconciling');

    const b2 = await beat({ groupId: g, memberId: 'member-b', memberEpoch: 2 });
    expect(assigned(b2) ?? []).toEqual([]);

    const a3 = await beat({ groupId: g, memberId: 'member-a', memberEpoch: 1, owned: kept });
    expect(a3.memberEpoch).toBe(2);
    const b3 = await beat({ groupId: g, memberId: 'member-b', memberEpoch: 2 });
    const given = assigned(b3)!;
    expect([...kept, ...given].sort()).toEqual([0, 1, 2, 3]);

    const described = await describeGroup(g);
    expect(described).toMatchObject({ errorCode: 0, groupState: 'Stable', groupEpoch: 2, assignmentEpoch: 2, assignorName: 'uniform' });
    expect(described.members.map((m) => [m.memberId, m.memberEpoch, m.memberType]).sort()).toEqual([
      ['member-a', 2, 1],
      ['member-b', 2, 1],
    ]);

    // A leaves: the group epoch moves on and B is given everything.
    const left = await beat({ groupId: g, memberId: 'member-a', memberEpoch: -1 });
    expect(left).toMatchObject({ errorCode: 0, memberEpoch: -1 });
    const b4 = await beat({ groupId: g, memberId: 'member-b', memberEpoch: 2, owned: given });
    expect(b4.memberEpoch).toBe(3);
    expect(assigned(b4)).toEqual([0, 1, 2, 3]);
  });

  it('fences a member whose epoch is not its own, and does not know members that never joined', async () => {
    const g = 'kip848-fence';
    const a = await beat({ groupId: g, memberId: 'member-a', memberEpoch: 0 });
    expect(await beat({ groupId: g, memberId: 'member-a', memberEpoch: a.memberEpoch + 1 })).toMatchObject({ errorCode: ErrorCode.FENCED_MEMBER_EPOCH });
    expect(await beat({ groupId: g, memberId: 'nobody', memberEpoch: 1 })).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID });
    expect(await beat({ groupId: 'kip848-none', memberId: 'nobody', memberEpoch: 1 })).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND });
    // Rejoining with epoch 0 is always allowed.
    expect(await beat({ groupId: g, memberId: 'member-a', memberEpoch: 0 })).toMatchObject({ errorCode: 0, memberEpoch: a.memberEpoch });
  });

  it('refuses malformed heartbeats with INVALID_REQUEST and unknown assignors with UNSUPPORTED_ASSIGNOR', async () => {
    expect(await beat({ groupId: 'kip848-bad', memberId: 'm', memberEpoch: 0, topics: [] })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST });
    expect(await beat({ groupId: 'kip848-bad', memberId: 'm', memberEpoch: 0, owned: [1] })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST });
    expect(await beat({ groupId: 'kip848-bad', memberId: 'm', memberEpoch: -3 })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST });
    expect(await beat({ groupId: 'kip848-bad', memberId: 'm', memberEpoch: 0, assignor: 'sticky' })).toMatchObject({
      errorCode: ErrorCode.UNSUPPORTED_ASSIGNOR,
    });
    expect(await beat({ groupId: 'kip848-bad', memberId: 'm', memberEpoch: 0, topics: null, regex: '(' })).toMatchObject({
      errorCode: ErrorCode.INVALID_REGULAR_EXPRESSION,
    });
  });

  it('subscribes by regular expression to the topics whose whole name matches', async () => {
    const r = await beat({ groupId: 'kip848-regex', memberId: 'm', memberEpoch: 0, topics: null, regex: 'cg-.*' });
    expect(r.errorCode).toBe(0);
    const topics = r.assignment!.topicPartitions;
    expect(topics).toHaveLength(1);
    expect(topics[0]!.topicId).not.toBe(topicId);
    expect(topics[0]!.partitions).toEqual([0, 1]);
  });

  it('fences a member whose session expires, and gives its partitions to the others', async () => {
    const g = 'kip848-session';
    const a = await beat({ groupId: g, memberId: 'member-a', memberEpoch: 0 });
    const b = await beat({ groupId: g, memberId: 'member-b', memberEpoch: 0 });
    expect(assigned(b)).toEqual([]);
    // B keeps heartbeating; A goes silent.
    let bEpoch = b.memberEpoch;
    let bOwned: number[] = [];
    const deadline = Date.now() + SESSION_TIMEOUT_MS * 4;
    while (Date.now() < deadline && bOwned.length < 4) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const r = await beat({ groupId: g, memberId: 'member-b', memberEpoch: bEpoch, owned: bOwned });
      expect(r.errorCode).toBe(0);
      bEpoch = r.memberEpoch;
      bOwned = assigned(r) ?? bOwned;
    }
    expect(bOwned).toEqual([0, 1, 2, 3]);
    expect(bEpoch).toBeGreaterThan(a.memberEpoch);
    expect(await beat({ groupId: g, memberId: 'member-a', memberEpoch: a.memberEpoch })).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID });
  });

  it('keeps a static member that left with epoch -2 for its next incarnation, and refuses a second live one', async () => {
    const g = 'kip848-static';
    const first = await beat({ groupId: g, memberId: 'incarnation-1', memberEpoch: 0, instanceId: 'host-1' });
    expect(assigned(first)).toEqual([0, 1, 2, 3]);
    expect(await beat({ groupId: g, memberId: 'incarnation-2', memberEpoch: 0, instanceId: 'host-1' })).toMatchObject({
      errorCode: ErrorCode.UNRELEASED_INSTANCE_ID,
    });
    expect(await beat({ groupId: g, memberId: 'incarnation-1', memberEpoch: -2, instanceId: 'host-1' })).toMatchObject({ errorCode: 0, memberEpoch: -2 });
    const second = await beat({ groupId: g, memberId: 'incarnation-2', memberEpoch: 0, instanceId: 'host-1' });
    expect(second).toMatchObject({ errorCode: 0, memberId: 'incarnation-2', memberEpoch: first.memberEpoch });
    expect(assigned(second)).toEqual([0, 1, 2, 3]);
    expect((await describeGroup(g)).members.map((m) => [m.memberId, m.instanceId])).toEqual([['incarnation-2', 'host-1']]);
  });
});

describe('offsets of a consumer group', () => {
  it('commits with the member epoch, refuses a newer one and an older one for a partition got since', async () => {
    const g = 'kip848-commit';
    const a1 = await beat({ groupId: g, memberId: 'member-a', memberEpoch: 0 });
    const ok = await commit(g, 'member-a', a1.memberEpoch, [0, 1]);
    expect(ok.topics[0]!.partitions.map((p) => p.errorCode)).toEqual([0, 0]);
    const newer = await commit(g, 'member-a', a1.memberEpoch + 1, [0]);
    expect(newer.topics[0]!.partitions.map((p) => p.errorCode)).toEqual([ErrorCode.STALE_MEMBER_EPOCH]);
    const unknown = await commit(g, 'nobody', a1.memberEpoch, [0]);
    expect(unknown.topics[0]!.partitions.map((p) => p.errorCode)).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    const legacy = await client.send(ApiKey.OffsetCommit, 8, {
      groupId: g,
      generationIdOrMemberEpoch: a1.memberEpoch,
      memberId: 'member-a',
      groupInstanceId: null,
      topics: [{ name: 'cg', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: '' }] }],
    });
    expect(legacy.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);

    // A second member makes A give two partitions up; A's epoch then moves on.
    await beat({ groupId: g, memberId: 'member-b', memberEpoch: 0 });
    const a2 = await beat({ groupId: g, memberId: 'member-a', memberEpoch: a1.memberEpoch, owned: [0, 1, 2, 3] });
    const a3 = await beat({ groupId: g, memberId: 'member-a', memberEpoch: a1.memberEpoch, owned: assigned(a2)! });
    expect(a3.memberEpoch).toBeGreaterThan(a1.memberEpoch);
    // A commit from A's previous epoch is good for the partitions it had then.
    const kept = assigned(a2)!;
    const older = await commit(g, 'member-a', a1.memberEpoch, kept);
    expect(older.topics[0]!.partitions.map((p) => p.errorCode)).toEqual([0, 0]);
    const revoked = [0, 1, 2, 3].filter((p) => !kept.includes(p));
    const lost = await commit(g, 'member-a', a1.memberEpoch, revoked);
    expect(lost.topics[0]!.partitions.map((p) => p.errorCode)).toEqual([ErrorCode.STALE_MEMBER_EPOCH, ErrorCode.STALE_MEMBER_EPOCH]);

    const fetch = (memberEpoch: number) =>
      client.send(ApiKey.OffsetFetch, 9, {
        groups: [{ groupId: g, memberId: 'member-a', memberEpoch, topics: [{ name: 'cg', partitionIndexes: [0, 1] }] }],
        requireStable: true,
      });
    expect((await fetch(a3.memberEpoch)).groups![0]!.errorCode).toBe(0);
    expect((await fetch(a1.memberEpoch)).groups![0]!.errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH);
  });
});

describe('consumer groups among classic groups', () => {
  it('turns an empty classic group into a consumer group keeping its offsets, and back', async () => {
    const g = 'kip848-convert';
    // Offsets committed without group management: a "simple" classic group.
    const simple = await client.send(ApiKey.OffsetCommit, 8, {
      groupId: g,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [{ name: 'cg', partitions: [{ partitionIndex: 2, committedOffset: 7n, committedLeaderEpoch: -1, committedMetadata: '' }] }],
    });
    expect(simple.topics[0]!.partitions[0]!.errorCode).toBe(0);
    expect((await describeGroup(g)).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);

    const joined = await beat({ groupId: g, memberId: 'member-a', memberEpoch: 0 });
    expect(joined.errorCode).toBe(0);
    const fetched = await client.send(ApiKey.OffsetFetch, 9, {
      groups: [{ groupId: g, memberId: 'member-a', memberEpoch: joined.memberEpoch, topics: [{ name: 'cg', partitionIndexes: [2] }] }],
      requireStable: false,
    });
    expect(fetched.groups![0]!.topics[0]!.partitions[0]!.committedOffset).toBe(7n);
    const listed = await client.send(ApiKey.ListGroups, 5, { statesFilter: [], typesFilter: ['consumer'] });
    expect(listed.groups.find((l) => l.groupId === g)).toMatchObject({ groupType: 'consumer', groupState: 'Stable', protocolType: 'consumer' });

    // Once the consumer group is empty, a classic member's group takes its place.
    await beat({ groupId: g, memberId: 'member-a', memberEpoch: -1 });
    expect((await classicJoin(g, '', [])).errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect((await describeGroup(g)).errorMessage).toBe(`Group ${g} is not a consumer group.`);
  });

  it('deletes an empty consumer group with its offsets, and refuses a group with members', async () => {
    const g = 'kip848-delete';
    const a = await beat({ groupId: g, memberId: 'member-a', memberEpoch: 0 });
    await commit(g, 'member-a', a.memberEpoch, [0]);
    const refused = await client.send(ApiKey.DeleteGroups, 2, { groupsNames: [g] });
    expect(refused.results[0]!.errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);
    await beat({ groupId: g, memberId: 'member-a', memberEpoch: -1 });
    const deleted = await client.send(ApiKey.DeleteGroups, 2, { groupsNames: [g] });
    expect(deleted.results[0]!.errorCode).toBe(0);
    expect((await describeGroup(g)).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });
});

/** A classic member's JoinGroup (v9, with the member id it was given) for topic `cg`, subscription v1 naming what it owns. */
function classicJoin(groupId: string, memberId: string, owned: number[]) {
  return client.send(ApiKey.JoinGroup, 9, {
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 5_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscriptionV1(['cg'], owned) }],
    reason: null,
  });
}

/** ConsumerProtocolSubscription v1 of topic `cg` (the codec is checked against hand-written bytes in protocol/). */
function subscriptionV1(topics: string[], owned: number[]): Buffer {
  const ownedPartitions = owned.length > 0 ? [{ topic: 'cg', partitions: owned }] : [];
  return encodeSubscription(1, { topics, userData: null, ownedPartitions, generationId: -1, rackId: null });
}

function assignmentV1(partitions: number[]): Buffer {
  return encodeAssignment(1, [{ topic: 'cg', partitions }]);
}

/** The partitions of topic `cg` in a ConsumerProtocolAssignment. */
function readAssignment(bytes: Buffer): number[] {
  return decodeAssignment(bytes)
    .filter((t) => t.topic === 'cg')
    .flatMap((t) => t.partitions)
    .sort((a, b) => a - b);
}

function classicSync(groupId: string, memberId: string, generationId: number, assignments: { memberId: string; assignment: Buffer }[] = []) {
  return syncGroup(client, groupId, generationId, memberId, assignments);
}

function classicHeartbeat(groupId: string, memberId: string, generationId: number) {
  return client.send(ApiKey.Heartbeat, 4, { groupId, generationId, memberId, groupInstanceId: null }).then((r) => r.errorCode);
}

function groupType(groupId: string) {
  return client.send(ApiKey.ListGroups, 5, { statesFilter: [], typesFilter: [] }).then((r) => r.groups.find((l) => l.groupId === groupId));
}

describe('online conversion between a classic group and a consumer group', () => {
  it('upgrades a classic group when a consumer member joins, assigns its classic member server-side, and downgrades when the consumer member leaves', async () => {
    const g = 'kip848-online';
    // A classic group of one member holding every partition, at generation 1.
    const required = await classicJoin(g, '', []);
    expect(required.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    const c = required.memberId;
    const joined = await classicJoin(g, c, []);
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1, leader: c });
    expect((await classicSync(g, c, 1, [{ memberId: c, assignment: assignmentV1([0, 1, 2, 3]) }])).errorCode).toBe(0);

    // A member of the consumer protocol joins: the group becomes a consumer group. It gets nothing
    // the classic member still holds, and the classic member is told to rejoin.
    const a1 = await beat({ groupId: g, memberId: 'member-a', memberEpoch: 0 });
    expect(a1).toMatchObject({ errorCode: 0, memberEpoch: 2 });
    expect(assigned(a1)).toEqual([]);
    expect(await groupType(g)).toMatchObject({ groupType: 'consumer', protocolType: 'consumer' });
    const described = await describeGroup(g);
    expect(described.members.map((m) => [m.memberId, m.memberType]).sort()).toEqual([
      [c, 0],
      ['member-a', 1],
    ]);
    expect(await classicHeartbeat(g, c, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);

    // Rejoining while it still owns what it must give up: same generation, and SyncGroup hands it only what it keeps.
    const rejoined = await classicJoin(g, c, [0, 1, 2, 3]);
    expect(rejoined).toMatchObject({ errorCode: 0, generationId: 1, leader: '', memberId: c, members: [] });
    const kept = readAssignment(Buffer.from((await classicSync(g, c, 1)).assignment));
    expect(kept).toHaveLength(2);
    expect(await classicHeartbeat(g, c, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    // The consumer member still gets nothing: the classic member has not said it let go.
    expect(assigned(await beat({ groupId: g, memberId: 'member-a', memberEpoch: 2, owned: [] })) ?? []).toEqual([]);

    // Rejoining with what it kept: the new epoch, the same partitions; the consumer member then gets the rest.
    const caughtUp = await classicJoin(g, c, kept);
    expect(caughtUp).toMatchObject({ errorCode: 0, generationId: 2 });
    expect(readAssignment(Buffer.from((await classicSync(g, c, 2)).assignment))).toEqual(kept);
    expect(await classicHeartbeat(g, c, 2)).toBe(0);
    const a2 = await beat({ groupId: g, memberId: 'member-a', memberEpoch: 2, owned: [] });
    expect([...kept, ...assigned(a2)!].sort()).toEqual([0, 1, 2, 3]);
    expect((await describeGroup(g)).groupState).toBe('Stable');

    // A classic member commits with its generation (its member epoch), or an older one for a
    // partition it held then (as Kafka 4.4); a newer one is an illegal generation.
    const offsets = (generation: number) =>
      client.send(ApiKey.OffsetCommit, 8, {
        groupId: g,
        generationIdOrMemberEpoch: generation,
        memberId: c,
        groupInstanceId: null,
        topics: [{ name: 'cg', partitions: [{ partitionIndex: kept[0]!, committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: '' }] }],
      });
    expect((await offsets(2)).topics[0]!.partitions[0]!.errorCode).toBe(0);
    expect((await offsets(1)).topics[0]!.partitions[0]!.errorCode).toBe(0);
    expect((await offsets(3)).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);

    // The last member of the consumer protocol leaves: a classic group again, at the group epoch and
    // rebalancing; its member rejoins it as before, and the next generation follows the group epoch.
    expect((await beat({ groupId: g, memberId: 'member-a', memberEpoch: -1 })).errorCode).toBe(0);
    expect(await groupType(g)).toMatchObject({ groupType: 'classic', groupState: 'PreparingRebalance' });
    expect(await classicHeartbeat(g, c, 2)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const back = await classicJoin(g, c, kept);
    expect(back).toMatchObject({ errorCode: 0, generationId: 3, leader: c });
    expect((await classicSync(g, c, 3, [{ memberId: c, assignment: assignmentV1([0, 1, 2, 3]) }])).errorCode).toBe(0);
    expect(await groupType(g)).toMatchObject({ groupType: 'classic', groupState: 'Stable' });
  });
});

describe('group.consumer.migration.policy', () => {
  it('disabled: a classic group with members is not upgraded, the consumer member refused', async () => {
    const saved = { node, client };
    node = await startInProcessBroker({ properties: { 'group.consumer.migration.policy': 'disabled' } });
    try {
      client = await node.client();
      await createTopic(client, 'cg', 4);
      const g = 'kip848-no-migration';
      // FindCoordinator creates __consumer_offsets on a new node, which then loads it: until then JoinGroup is NOT_COORDINATOR.
      let first = await classicJoin(g, '', []);
      for (let i = 0; i < 100 && first.errorCode !== ErrorCode.MEMBER_ID_REQUIRED; i++) {
        await client.send(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: [g] });
        await new Promise((resolve) => setTimeout(resolve, 100));
        first = await classicJoin(g, '', []);
      }
      const c = first.memberId;
      expect((await classicJoin(g, c, [])).errorCode).toBe(0);
      expect((await classicSync(g, c, 1, [{ memberId: c, assignment: assignmentV1([0, 1, 2, 3]) }])).errorCode).toBe(0);
      expect(await beat({ groupId: g, memberId: 'member-a', memberEpoch: 0 })).toMatchObject({
        errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
        errorMessage: `Group ${g} is not a consumer group.`,
      });
      expect(await groupType(g)).toMatchObject({ groupType: 'classic', groupState: 'Stable' });
    } finally {
      await node.stop();
      ({ node, client } = saved);
    }
  });
});

describe('a consumer group across a restart of its coordinator', () => {
  it('is replayed from __consumer_offsets with its epochs, members and assignments', async () => {
    const g = 'kip848-restart';
    const a = await beat({ groupId: g, memberId: 'member-a', memberEpoch: 0 });
    await beat({ groupId: g, memberId: 'member-b', memberEpoch: 0 });
    const before = await describeGroup(g);
    expect(before.members).toHaveLength(2);
    expect(a.errorCode).toBe(0);

    await node.stop({ keepData: true });
    node = await startInProcessBroker({
      dataDir: node.dataDir,
      properties: { 'group.consumer.session.timeout.ms': String(SESSION_TIMEOUT_MS * 20), 'group.consumer.heartbeat.interval.ms': '500' },
    });
    client = await node.client();
    let after = await describeGroup(g);
    for (let i = 0; i < 50 && after.errorCode !== 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      after = await describeGroup(g);
    }
    const shape = (d: typeof before) => ({
      state: d.groupState,
      epochs: [d.groupEpoch, d.assignmentEpoch],
      members: d.members
        .map((m) => [
          m.memberId,
          m.memberEpoch,
          m.assignment.topicPartitions.flatMap((t) => t.partitions),
          m.targetAssignment.topicPartitions.flatMap((t) => t.partitions),
        ])
        .sort(),
    });
    expect(shape(after)).toEqual(shape(before));
    // The members go on from where they were.
    expect(await beat({ groupId: g, memberId: 'member-a', memberEpoch: after.members.find((m) => m.memberId === 'member-a')!.memberEpoch })).toMatchObject({
      errorCode: 0,
    });
  });
});
