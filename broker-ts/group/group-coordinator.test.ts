// The group coordinator through the wire, request by request, as the Java client and kafkajs use it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import type { WireClient } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';
import { createTopic, syncGroup } from '../testing/wire-helpers.js';

let node: InProcessBroker;

beforeAll(async () => {
  node = await startInProcessBroker({ properties: { 'group.min.session.timeout.ms': '100' } });
  const client = await node.client();
  await createTopic(client, 'gt', 2);
  const found = await client.send(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['warm-up'] });
  expect(found.coordinators![0]).toMatchObject({ errorCode: 0, nodeId: 1, port: node.port });
});

afterAll(async () => {
  await node.stop();
});

const PROTOCOLS = [{ name: 'range', metadata: Buffer.from('sub') }];

function join(
  client: WireClient,
  groupId: string,
  memberId: string,
  options: { sessionTimeoutMs?: number; rebalanceTimeoutMs?: number; version?: number } = {},
) {
  return client.send(ApiKey.JoinGroup, options.version ?? 9, {
    groupId,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 5_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: PROTOCOLS,
    reason: null,
  });
}

/** JoinGroup v4+: the first attempt only earns a member id. */
async function joinWithId(client: WireClient, groupId: string, options: Parameters<typeof join>[3] = {}) {
  const first = await join(client, groupId, '', options);
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  expect(first.memberId).toMatch(/^broker-ts-wire-client-/);
  return first.memberId;
}

const sync = syncGroup;

function heartbeat(client: WireClient, groupId: string, generationId: number, memberId: string) {
  return client.send(ApiKey.Heartbeat, 4, { groupId, generationId, memberId, groupInstanceId: null });
}

function commit(client: WireClient, groupId: string, generationId: number, memberId: string, offset: bigint, version = 9) {
  return client.send(ApiKey.OffsetCommit, version, {
    groupId,
    generationIdOrMemberEpoch: generationId,
    memberId,
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: [{ name: 'gt', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: 'meta' }] }],
  });
}

describe('classic groups', () => {
  it('runs a first rebalance: member id, join, leader election, sync, heartbeat', async () => {
    const client = await node.client();
    const memberId = await joinWithId(client, 'g1');
    const joined = await join(client, 'g1', memberId);
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1, leader: memberId, memberId, protocolType: 'consumer', protocolName: 'range' });
    expect(joined.members).toEqual([{ memberId, groupInstanceId: null, metadata: Buffer.from('sub') }]);
    const synced = await sync(client, 'g1', 1, memberId, [{ memberId, assignment: Buffer.from('all') }]);
    expect(synced).toMatchObject({ errorCode: 0, assignment: Buffer.from('all'), protocolName: 'range' });
    expect((await heartbeat(client, 'g1', 1, memberId)).errorCode).toBe(0);
    expect((await heartbeat(client, 'g1', 0, memberId)).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await heartbeat(client, 'g1', 1, 'stranger')).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(node.broker.groups.groupState('g1')).toBe('Stable');
  });

  it('rebalances when a second member joins and when one leaves', async () => {
    const a = await node.client();
    const b = await node.client();
    const memberA = await joinWithId(a, 'g2');
    const first = await join(a, 'g2', memberA);
    await sync(a, 'g2', first.generationId, memberA, [{ memberId: memberA, assignment: Buffer.from('a:0,1') }]);

    const memberB = await joinWithId(b, 'g2');
    const joiningB = join(b, 'g2', memberB);
    // A learns of the rebalance from its heartbeat, then rejoins.
    expect((await heartbeat(a, 'g2', first.generationId, memberA)).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const [rejoinA, joinedB] = await Promise.all([join(a, 'g2', memberA), joiningB]);
    expect(rejoinA.generationId).toBe(first.generationId + 1);
    expect(joinedB.generationId).toBe(rejoinA.generationId);
    expect(rejoinA.leader).toBe(memberA);
    expect(rejoinA.members.map((m) => m.memberId).sort()).toEqual([memberA, memberB].sort());
    expect(joinedB.members).toEqual([]);

    const generation = rejoinA.generationId;
    const syncB = sync(b, 'g2', generation, memberB);
    const syncA = await sync(a, 'g2', generation, memberA, [
      { memberId: memberA, assignment: Buffer.from('a:0') },
      { memberId: memberB, assignment: Buffer.from('b:1') },
    ]);
    expect(syncA.assignment).toEqual(Buffer.from('a:0'));
    expect((await syncB).assignment).toEqual(Buffer.from('b:1'));

    const left = await b.send(ApiKey.LeaveGroup, 5, {
      groupId: 'g2',
      members: [
        { memberId: memberB, groupInstanceId: null, reason: 'bye' },
        { memberId: 'ghost', groupInstanceId: null, reason: null },
      ],
    });
    expect(left.members!.map((m) => [m.memberId, m.errorCode])).toEqual([
      [memberB, 0],
      ['ghost', ErrorCode.UNKNOWN_MEMBER_ID],
    ]);
    expect((await heartbeat(a, 'g2', generation, memberA)).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const alone = await join(a, 'g2', memberA);
    expect(alone).toMatchObject({ generationId: generation + 1, leader: memberA });
    expect(alone.members).toHaveLength(1);
  });

  it('removes a member whose session expires', async () => {
    const a = await node.client();
    const b = await node.client();
    const memberA = await joinWithId(a, 'g3', { sessionTimeoutMs: 10_000 });
    const memberB = await joinWithId(b, 'g3', { sessionTimeoutMs: 300 });
    const [joinedA, joinedB] = await Promise.all([join(a, 'g3', memberA, { sessionTimeoutMs: 10_000 }), join(b, 'g3', memberB, { sessionTimeoutMs: 300 })]);
    expect(joinedA.generationId).toBe(joinedB.generationId);
    await Promise.all([sync(a, 'g3', joinedA.generationId, memberA), sync(b, 'g3', joinedB.generationId, memberB)]);
    // B stops heartbeating; A keeps on and is told to rejoin once B's session has expired.
    let code: number = ErrorCode.NONE;
    for (let i = 0; i < 40 && code === ErrorCode.NONE; i++) {
      await new Promise((r) => setTimeout(r, 50));
      code = (await heartbeat(a, 'g3', joinedA.generationId, memberA)).errorCode;
    }
    expect(code).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoined = await join(a, 'g3', memberA, { sessionTimeoutMs: 10_000 });
    expect(rejoined.members.map((m) => m.memberId)).toEqual([memberA]);
  });

  it('answers JoinGroup before v4 without MEMBER_ID_REQUIRED, and checks session timeouts', async () => {
    const client = await node.client();
    const joined = await join(client, 'g4', '', { version: 3 });
    expect(joined.errorCode).toBe(0);
    expect(joined.memberId).not.toBe('');
    expect((await join(client, 'g5', '', { sessionTimeoutMs: 10 })).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await join(client, '', '')).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });
});

describe('static members (KIP-345)', () => {
  function joinStatic(
    client: WireClient,
    groupId: string,
    instance: string,
    memberId = '',
    options: { sessionTimeoutMs?: number; rebalanceTimeoutMs?: number; metadata?: string } = {},
  ) {
    return client.send(ApiKey.JoinGroup, 9, {
      groupId,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
      rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 5_000,
      memberId,
      groupInstanceId: instance,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.from(options.metadata ?? 'sub') }],
      reason: null,
    });
  }
  const heartbeatAs = (client: WireClient, groupId: string, generationId: number, memberId: string, instance: string | null) =>
    client.send(ApiKey.Heartbeat, 4, { groupId, generationId, memberId, groupInstanceId: instance }).then((r) => r.errorCode);
  const syncAs = (
    client: WireClient,
    groupId: string,
    generationId: number,
    memberId: string,
    instance: string,
    assignments: { memberId: string; assignment: Buffer }[] = [],
  ) =>
    client.send(ApiKey.SyncGroup, 5, {
      groupId,
      generationId,
      memberId,
      groupInstanceId: instance,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments,
    });

  /** Two static members, A leading, through their first rebalance. */
  async function stableStaticGroup(groupId: string, options: { sessionTimeoutMs?: number; rebalanceTimeoutMs?: number } = {}) {
    const a = await node.client();
    const b = await node.client();
    // No MEMBER_ID_REQUIRED for static members: both join at once, with ids made from their instance ids.
    const [joinedA, joinedB] = await Promise.all([joinStatic(a, groupId, 'a', '', options), joinStatic(b, groupId, 'b', '', options)]);
    expect(joinedA.memberId).toMatch(/^a-/);
    expect(joinedB.memberId).toMatch(/^b-/);
    const leader =
      joinedA.leader === joinedA.memberId ? { client: a, member: joinedA.memberId, instance: 'a' } : { client: b, member: joinedB.memberId, instance: 'b' };
    const follower = leader.client === a ? { client: b, member: joinedB.memberId, instance: 'b' } : { client: a, member: joinedA.memberId, instance: 'a' };
    const generation = joinedA.generationId;
    const assignments = [
      { memberId: leader.member, assignment: Buffer.from('leader:0') },
      { memberId: follower.member, assignment: Buffer.from('follower:1') },
    ];
    await Promise.all([
      syncAs(leader.client, groupId, generation, leader.member, leader.instance, assignments),
      syncAs(follower.client, groupId, generation, follower.member, follower.instance),
    ]);
    return { leader, follower, generation };
  }

  it('a restarted member takes its place again without a rebalance, and its old member id is fenced', async () => {
    const { leader, follower, generation } = await stableStaticGroup('s1');
    const restarted = await node.client();
    const again = await joinStatic(restarted, 's1', follower.instance);
    expect(again).toMatchObject({ errorCode: 0, generationId: generation, leader: leader.member, skipAssignment: false, members: [] });
    expect(again.memberId).not.toBe(follower.member);
    expect(await heartbeatAs(leader.client, 's1', generation, leader.member, leader.instance)).toBe(ErrorCode.NONE);
    expect(await heartbeatAs(follower.client, 's1', generation, follower.member, follower.instance)).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(await heartbeatAs(restarted, 's1', generation, again.memberId, follower.instance)).toBe(ErrorCode.NONE);
    // It gets the assignment its old id had.
    expect((await syncAs(restarted, 's1', generation, again.memberId, follower.instance)).assignment).toEqual(Buffer.from('follower:1'));
    // The old member id is gone: without the instance id it is unknown, with it fenced.
    expect((await commit(follower.client, 's1', generation, follower.member, 1n)).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const stale = await follower.client.send(ApiKey.OffsetCommit, 9, {
      groupId: 's1',
      generationIdOrMemberEpoch: generation,
      memberId: follower.member,
      groupInstanceId: follower.instance,
      topics: [{ name: 'gt', partitions: [{ partitionIndex: 0, committedOffset: 2n, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    expect(stale.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);

    // The leader restarting is told its assignment stands (v9 skipAssignment), with the members.
    const leaderAgain = await joinStatic(await node.client(), 's1', leader.instance);
    expect(leaderAgain).toMatchObject({ errorCode: 0, generationId: generation, skipAssignment: true });
    expect(leaderAgain.leader).toBe(leaderAgain.memberId);
    expect(leaderAgain.members.map((m) => m.groupInstanceId).sort()).toEqual(['a', 'b']);
  });

  it('keeps a static member that misses the join phase in the next generation, and drops it when it does not sync either', async () => {
    const timeouts = { sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 300 };
    const { leader, follower } = await stableStaticGroup('s2', timeouts);
    // The leader joins again (a rebalance); the follower sleeps through it. A dynamic member would
    // be dropped when the join phase ends; a static one is in the new generation's member list.
    const started = Date.now();
    const rejoined = await joinStatic(leader.client, 's2', leader.instance, leader.member, timeouts);
    expect(rejoined.errorCode).toBe(0);
    expect(rejoined.members.map((m) => m.groupInstanceId).sort()).toEqual(['a', 'b']);
    await syncAs(leader.client, 's2', rejoined.generationId, leader.member, leader.instance);
    // As in Kafka, every member of the generation must sync within the rebalance timeout: the
    // follower does not, and goes long before its 10 s session would have run out.
    let code: number = ErrorCode.NONE;
    for (let i = 0; i < 60 && code === ErrorCode.NONE; i++) {
      await new Promise((r) => setTimeout(r, 100));
      code = await heartbeatAs(leader.client, 's2', rejoined.generationId, leader.member, leader.instance);
    }
    expect(code).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(Date.now() - started).toBeLessThan(5_000);
    const alone = await joinStatic(leader.client, 's2', leader.instance, leader.member, timeouts);
    expect(alone.members.map((m) => m.groupInstanceId)).toEqual([leader.instance]);
    expect(await heartbeatAs(follower.client, 's2', alone.generationId, follower.member, follower.instance)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('leaves by instance id, refusing another member id for it', async () => {
    const { leader, follower, generation } = await stableStaticGroup('s3');
    const left = await node.client().then((c) =>
      c.send(ApiKey.LeaveGroup, 5, {
        groupId: 's3',
        members: [
          { memberId: '', groupInstanceId: 'nobody', reason: null },
          { memberId: 'someone-else', groupInstanceId: follower.instance, reason: null },
          { memberId: '', groupInstanceId: follower.instance, reason: 'removed by an admin' },
        ],
      }),
    );
    expect(left.members!.map((m) => [m.groupInstanceId, m.errorCode])).toEqual([
      ['nobody', ErrorCode.UNKNOWN_MEMBER_ID],
      [follower.instance, ErrorCode.FENCED_INSTANCE_ID],
      [follower.instance, ErrorCode.NONE],
    ]);
    expect(await heartbeatAs(leader.client, 's3', generation, leader.member, leader.instance)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(await heartbeatAs(follower.client, 's3', generation, follower.member, follower.instance)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});

describe('committed offsets', () => {
  it('commits for the current generation and fetches them back, v1-7 and v8+', async () => {
    const client = await node.client();
    const memberId = await joinWithId(client, 'g6');
    const joined = await join(client, 'g6', memberId);
    await sync(client, 'g6', joined.generationId, memberId, []);
    const committed = await commit(client, 'g6', joined.generationId, memberId, 42n);
    expect(committed.topics[0]!.partitions[0]!.errorCode).toBe(0);
    expect((await commit(client, 'g6', joined.generationId + 5, memberId, 1n)).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);

    const v7 = await client.send(ApiKey.OffsetFetch, 7, { groupId: 'g6', topics: [{ name: 'gt', partitionIndexes: [0, 1] }], requireStable: false });
    expect(v7.errorCode).toBe(0);
    expect(v7.topics![0]!.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata])).toEqual([
      [0, 42n, 'meta'],
      [1, -1n, ''],
    ]);
    const v8 = await client.send(ApiKey.OffsetFetch, 8, {
      groups: [
        { groupId: 'g6', topics: null },
        { groupId: 'unknown-group', topics: [{ name: 'gt', partitionIndexes: [0] }] },
      ],
      requireStable: true,
    });
    expect(v8.groups!.map((g) => [g.groupId, g.errorCode, g.topics.map((t) => t.partitions.map((p) => p.committedOffset))])).toEqual([
      ['g6', 0, [[42n]]],
      ['unknown-group', 0, [[-1n]]],
    ]);
  });

  it('accepts commits outside group management for an empty or unknown group, and refuses unknown topics', async () => {
    const client = await node.client();
    expect((await commit(client, 'simple', -1, '', 7n)).topics[0]!.partitions[0]!.errorCode).toBe(0);
    expect((await commit(client, 'never-joined', 3, 'someone', 7n, 9)).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect((await commit(client, 'never-joined', 3, 'someone', 7n, 8)).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const unknownTopic = await client.send(ApiKey.OffsetCommit, 9, {
      groupId: 'simple',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [{ name: 'no-such-topic', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    expect(unknownTopic.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});

describe('DescribeGroups, ListGroups, DeleteGroups', () => {
  it('describes, lists and deletes groups as Kafka does', async () => {
    const client = await node.client();
    const memberId = await joinWithId(client, 'g7');
    const joined = await join(client, 'g7', memberId);
    await sync(client, 'g7', joined.generationId, memberId, [{ memberId, assignment: Buffer.from('x') }]);
    const described = await client.send(ApiKey.DescribeGroups, 5, { groups: ['g7', 'no-group'], includeAuthorizedOperations: false });
    expect(described.groups[0]).toMatchObject({ errorCode: 0, groupId: 'g7', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(described.groups[0]!.members[0]).toMatchObject({
      memberId,
      clientHost: '/127.0.0.1',
      memberMetadata: Buffer.from('sub'),
      memberAssignment: Buffer.from('x'),
    });
    expect(described.groups[1]).toMatchObject({ errorCode: 0, groupId: 'no-group', groupState: 'Dead', members: [] });

    const listed = await client.send(ApiKey.ListGroups, 5, { statesFilter: ['stable'], typesFilter: [] });
    expect(listed.groups.map((g) => g.groupId)).toContain('g7');
    expect(listed.groups.find((g) => g.groupId === 'g7')).toEqual({ groupId: 'g7', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' });

    expect((await client.send(ApiKey.DeleteGroups, 2, { groupsNames: ['g7'] })).results[0]!.errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);
    await client.send(ApiKey.LeaveGroup, 5, { groupId: 'g7', members: [{ memberId, groupInstanceId: null, reason: null }] });
    await new Promise((r) => setTimeout(r, 50));
    const deleted = await client.send(ApiKey.DeleteGroups, 2, { groupsNames: ['g7', 'no-group'] });
    expect(deleted.results.map((r) => [r.groupId, r.errorCode])).toEqual([
      ['g7', 0],
      ['no-group', ErrorCode.GROUP_ID_NOT_FOUND],
    ]);
  });
});

describe('persistence', () => {
  it('keeps committed offsets and groups across a restart', async () => {
    const first = await startInProcessBroker({ properties: { 'group.min.session.timeout.ms': '100' } });
    const client = await first.client();
    await createTopic(client, 'gt', 1);
    await client.send(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['kept'] });
    expect((await commit(client, 'kept', -1, '', 123n)).topics[0]!.partitions[0]!.errorCode).toBe(0);
    await first.stop({ keepData: true });

    const second = await startInProcessBroker({ dataDir: first.dataDir });
    try {
      const again = await second.client();
      const fetched = await again.send(ApiKey.OffsetFetch, 8, { groups: [{ groupId: 'kept', topics: null }], requireStable: false });
      expect(fetched.groups![0]!.topics[0]!.partitions[0]!.committedOffset).toBe(123n);
      const listed = await again.send(ApiKey.ListGroups, 4, { statesFilter: [] });
      expect(listed.groups.map((g) => [g.groupId, g.groupState])).toContainEqual(['kept', 'Empty']);
    } finally {
      await second.stop();
    }
  });
});
