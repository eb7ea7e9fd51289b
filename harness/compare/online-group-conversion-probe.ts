// The online conversion between a classic group and a KIP-848 consumer group, compared on the
// wire: a classic group with a member becomes a consumer group when a member joins with
// ConsumerGroupHeartbeat; its classic member is then assigned by the coordinator through
// JoinGroup, SyncGroup and Heartbeat; when the consumer member leaves, the group is classic again.
import { ApiKey, ErrorCode, decodeAssignment, encodeAssignment, encodeSubscription } from '@kafka-chaos/protocol';
import type { WireClient } from '@kafka-chaos/protocol';
import { sleep } from '../wait.js';
import { ProbeFailed, createTopic, defineProbe, named, observe, settled } from './wire-probe.js';

const GROUP = 'cmp-conversion';
const TOPIC = 'cmp-conversion';

/** A member of the classic protocol, as the Java client's ConsumerCoordinator drives it. */
class ClassicMember {
  memberId = '';
  generation = -1;
  owned: number[] = [];
  /** The generation of the SyncGroup that first handed it each partition it holds now. */
  readonly heldSince = new Map<number, number>();

  constructor(private readonly client: WireClient) {}

  join() {
    return this.client
      .send(ApiKey.JoinGroup, 9, {
        groupId: GROUP,
        sessionTimeoutMs: 30_000,
        rebalanceTimeoutMs: 30_000,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [
          {
            name: 'range',
            metadata: encodeSubscription(3, {
              topics: [TOPIC],
              userData: null,
              ownedPartitions: this.owned.length > 0 ? [{ topic: TOPIC, partitions: this.owned }] : [],
              generationId: this.generation,
              rackId: null,
            }),
          },
        ],
        reason: null,
      })
      .then((r) => {
        if (r.errorCode === ErrorCode.NONE || r.errorCode === ErrorCode.MEMBER_ID_REQUIRED) this.memberId = r.memberId;
        if (r.errorCode === ErrorCode.NONE) this.generation = r.generationId;
        return r;
      });
  }

  /** As the leader when `assignAll`, else as a follower; the member then holds what it was given. */
  sync(assignAll = false, generation = this.generation) {
    const assignments = assignAll ? [{ memberId: this.memberId, assignment: encodeAssignment(3, [{ topic: TOPIC, partitions: [0, 1] }]) }] : [];
    return this.client
      .send(ApiKey.SyncGroup, 5, {
        groupId: GROUP,
        generationId: generation,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: 'range',
        assignments,
      })
      .then((r) => {
        if (r.errorCode !== ErrorCode.NONE) return r.errorCode;
        this.owned = decodeAssignment(Buffer.from(r.assignment)).flatMap((t) => t.partitions);
        for (const p of [...this.heldSince.keys()]) if (!this.owned.includes(p)) this.heldSince.delete(p);
        for (const p of this.owned) if (!this.heldSince.has(p)) this.heldSince.set(p, generation);
        return r.errorCode;
      });
  }

  heartbeat(memberId = this.memberId, generation = this.generation) {
    return this.client.send(ApiKey.Heartbeat, 4, { groupId: GROUP, generationId: generation, memberId, groupInstanceId: null }).then((r) => r.errorCode);
  }

  commit(generation: number) {
    return this.client
      .send(ApiKey.OffsetCommit, 8, {
        groupId: GROUP,
        generationIdOrMemberEpoch: generation,
        memberId: this.memberId,
        groupInstanceId: null,
        topics: [{ name: TOPIC, partitions: [{ partitionIndex: this.owned[0] ?? 0, committedOffset: 0n, committedLeaderEpoch: -1, committedMetadata: null }] }],
      })
      .then((r) => named(r.topics[0]!.partitions[0]!.errorCode));
  }
}

export const onlineGroupConversion = defineProbe({
  name: 'online-group-conversion',
  title:
    'Online conversion between a classic and a consumer group (group.consumer.migration.policy bidirectional): upgraded when a consumer member joins, the classic member assigned through JoinGroup/SyncGroup/Heartbeat, downgraded when the consumer member leaves',
  async run({ connect }) {
    const client = await connect(30_000);
    try {
      await createTopic(client, TOPIC, 2);
      const topicId = (
        await client.send(ApiKey.Metadata, 12, { topics: [{ name: TOPIC }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
      ).topics[0]!.topicId!;
      await settled(
        () => client.send(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: [GROUP] }),
        (r) => r.coordinators![0]!.errorCode !== ErrorCode.NONE,
      );
      const groupListing = () =>
        client.send(ApiKey.ListGroups, 5, { statesFilter: [], typesFilter: [] }).then((r) => {
          const listing = r.groups.find((l) => l.groupId === GROUP);
          return listing === undefined ? null : { groupType: listing.groupType, groupState: listing.groupState, protocolType: listing.protocolType };
        });
      const describe = () => client.send(ApiKey.ConsumerGroupDescribe, 1, { groupIds: [GROUP], includeAuthorizedOperations: false }).then((r) => r.groups[0]!);
      let consumerEpoch = 0;
      let consumerOwned: number[] = [];
      const beat = (memberEpoch: number) =>
        client
          .send(ApiKey.ConsumerGroupHeartbeat, 1, {
            groupId: GROUP,
            memberId: 'member-a',
            memberEpoch,
            instanceId: null,
            rackId: null,
            rebalanceTimeoutMs: memberEpoch === 0 ? 30_000 : -1,
            subscribedTopicNames: memberEpoch === 0 ? [TOPIC] : null,
            subscribedTopicRegex: null,
            serverAssignor: null,
            topicPartitions: memberEpoch === 0 ? [] : [{ topicId, partitions: consumerOwned }],
          })
          .then((r) => {
            if (r.errorCode === ErrorCode.NONE && memberEpoch >= 0) {
              consumerEpoch = r.memberEpoch;
              if (r.assignment !== null) consumerOwned = r.assignment.topicPartitions.flatMap((t) => t.partitions).sort();
            }
            return r;
          });

      const classic = new ClassicMember(client);
      const joins = [named((await classic.join()).errorCode), named((await classic.join()).errorCode)];
      const firstGeneration = classic.generation;
      const synced = named(await classic.sync(true));
      const asClassic = await groupListing();

      const joined = await beat(0);
      const asConsumer = await groupListing();
      const toldToRejoin = named(await classic.heartbeat());
      const memberTypes = (await describe()).members.map((m) => m.memberType).sort();

      // Kafka 4.4 assigns in the background at most once a second, broker-ts at once: the members
      // go on as their clients would until both are reconciled, and where they end is compared.
      let overlapped = false;
      let final = await describe();
      let mustRejoin = true;
      for (let round = 0; round < 80; round++) {
        if (mustRejoin) {
          const rejoined = await classic.join();
          if (rejoined.errorCode !== ErrorCode.NONE) throw new ProbeFailed(`classic member rejoining: ${named(rejoined.errorCode)}`);
          const sync = await classic.sync();
          if (sync !== ErrorCode.NONE && sync !== ErrorCode.REBALANCE_IN_PROGRESS) throw new ProbeFailed(`classic member syncing: ${named(sync)}`);
        }
        const heartbeat = await classic.heartbeat();
        if (heartbeat !== ErrorCode.NONE && heartbeat !== ErrorCode.REBALANCE_IN_PROGRESS) throw new ProbeFailed(`classic heartbeat: ${named(heartbeat)}`);
        mustRejoin = heartbeat === ErrorCode.REBALANCE_IN_PROGRESS;
        const r = await beat(consumerEpoch);
        if (r.errorCode !== ErrorCode.NONE) throw new ProbeFailed(`consumer heartbeat: ${named(r.errorCode)} ${r.errorMessage ?? ''}`);
        overlapped ||= classic.owned.some((p) => consumerOwned.includes(p));
        final = await describe();
        if (final.groupState === 'Stable' && !mustRejoin && classic.owned.length === 1 && consumerOwned.length === 1) break;
        await sleep(250);
      }
      const reconciledEpoch = final.groupEpoch;

      const observations = {
        'a classic member joins (MEMBER_ID_REQUIRED, then its id) and syncs as leader': { joins, firstGeneration, synced },
        'ListGroups with the classic member': asClassic,
        'a consumer member joins': { errorCode: named(joined.errorCode), memberEpoch: joined.memberEpoch > 0 },
        'ListGroups once it joined': asConsumer,
        "the classic member's next heartbeat": toldToRejoin,
        'ConsumerGroupDescribe member types': memberTypes,
        'once both are reconciled': {
          groupState: final.groupState,
          'every member at the group epoch': final.members.every((m) => m.memberEpoch === reconciledEpoch && m.memberEpoch === final.assignmentEpoch),
          "the classic member's generation is its member epoch": classic.generation === reconciledEpoch,
          'partitions each member holds': final.members.map((m) => m.assignment.topicPartitions.flatMap((t) => t.partitions).length),
          'a partition held by both members at once': overlapped,
        },
        // Kafka 4.4 takes an older generation for a partition the member already held then.
        // Kafka 4.4 takes an older generation for a partition the member already held then; which
        // generation handed it the partition it keeps depends on how Kafka reconciled, so the
        // commits name that generation rather than a number.
        'classic OffsetCommit of a partition it holds, with': {
          'its generation': await classic.commit(classic.generation),
          'the generation that handed it the partition': await classic.commit(classic.heldSince.get(classic.owned[0]!)!),
          'the generation before that': await classic.commit(classic.heldSince.get(classic.owned[0]!)! - 1),
          'a newer one': await classic.commit(classic.generation + 1),
        },
        'classic SyncGroup with another generation': named(await classic.sync(false, classic.generation + 1)),
        'classic Heartbeat naming the consumer member': named(await classic.heartbeat('member-a', consumerEpoch)),
        'the consumer member leaves': named((await beat(-1)).errorCode),
        'ListGroups once it left': await groupListing(),
        "the classic member's heartbeat then": named(await classic.heartbeat()),
      };
      const back = await classic.join();
      const backSynced = named(await classic.sync(true));
      return observe({
        ...observations,
        'the classic member rejoins the classic group': {
          errorCode: named(back.errorCode),
          leader: back.leader === classic.memberId,
          'generation after the group epoch': back.generationId === reconciledEpoch + 1,
          synced: backSynced,
        },
        'ListGroups at the end': await groupListing(),
      });
    } finally {
      await client.close();
    }
  },
});
