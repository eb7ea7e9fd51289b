// The records a KIP-848 consumer group keeps in __consumer_offsets, in Kafka 4.4's format: the key's
// version is the record type (3 group epoch, 5 member subscription, 6 target assignment epoch, 7 a
// member's target assignment, 8 a member's current assignment), its fields in the classic
// encoding; the value a version (0) then the flexible encoding. A null value is a tombstone.
// Kafka's coordinator replays these records to rebuild a group, so a new coordinator (after a
// leader change of the partition) serves the group where the old one left it.
import { Reader, Writer, compile, schema as t } from '@kafka-chaos/protocol';

export const ConsumerGroupRecordType = {
  GROUP_METADATA: 3,
  /** Kafka 3.x's subscription metadata, replaced by the metadata hash of the group record in 4.x: read and ignored. */
  PARTITION_METADATA: 4,
  MEMBER_METADATA: 5,
  TARGET_ASSIGNMENT_METADATA: 6,
  TARGET_ASSIGNMENT_MEMBER: 7,
  CURRENT_MEMBER_ASSIGNMENT: 8,
} as const;
export type ConsumerGroupRecordType = (typeof ConsumerGroupRecordType)[keyof typeof ConsumerGroupRecordType];

const GroupKey = t.struct({ groupId: t.string });
const MemberKey = t.struct({ groupId: t.string, memberId: t.string });

const TopicPartitions = t.struct({
  topicId: t.uuid,
  partitions: t.array(t.int32),
  assignmentEpochs: t.tagged(0, t.nullableArray(t.int32), null),
});

const GroupMetadataValue = t.struct({
  epoch: t.int32,
  metadataHash: t.tagged(0, t.int64, 0n),
});

const ClassicProtocol = t.struct({ name: t.string, metadata: t.bytes });

const MemberMetadataValue = t.struct({
  instanceId: t.nullableString,
  rackId: t.nullableString,
  clientId: t.string,
  clientHost: t.string,
  subscribedTopicNames: t.array(t.string),
  subscribedTopicRegex: t.nullableString,
  rebalanceTimeoutMs: t.int32,
  serverAssignor: t.nullableString,
  classicMemberMetadata: t.tagged(0, t.nullableStruct({ sessionTimeoutMs: t.int32, supportedProtocols: t.array(ClassicProtocol) }), null),
});

const TargetAssignmentMetadataValue = t.struct({
  assignmentEpoch: t.int32,
  assignmentTimestamp: t.tagged(0, t.int64, 0n),
});

const TargetAssignmentMemberValue = t.struct({
  topicPartitions: t.array(TopicPartitions),
});

const CurrentMemberAssignmentValue = t.struct({
  memberEpoch: t.int32,
  previousMemberEpoch: t.int32,
  state: t.int8,
  assignedPartitions: t.array(TopicPartitions),
  partitionsPendingRevocation: t.array(TopicPartitions),
});

export type GroupMetadataValueData = t.Value<typeof GroupMetadataValue>;
export type MemberMetadataValueData = t.Value<typeof MemberMetadataValue>;
export type CurrentMemberAssignmentValueData = t.Value<typeof CurrentMemberAssignmentValue>;
export type StoredTopicPartitions = t.Value<typeof TopicPartitions>;

/** A decoded consumer-group record: its type, its key's fields, and its value (null for a tombstone). */
export type ConsumerGroupRecord =
  | { type: typeof ConsumerGroupRecordType.GROUP_METADATA; groupId: string; value: GroupMetadataValueData | null }
  | { type: typeof ConsumerGroupRecordType.PARTITION_METADATA; groupId: string }
  | { type: typeof ConsumerGroupRecordType.MEMBER_METADATA; groupId: string; memberId: string; value: MemberMetadataValueData | null }
  | { type: typeof ConsumerGroupRecordType.TARGET_ASSIGNMENT_METADATA; groupId: string; value: { assignmentEpoch: number } | null }
  | { type: typeof ConsumerGroupRecordType.TARGET_ASSIGNMENT_MEMBER; groupId: string; memberId: string; value: StoredTopicPartitions[] | null }
  | { type: typeof ConsumerGroupRecordType.CURRENT_MEMBER_ASSIGNMENT; groupId: string; memberId: string; value: CurrentMemberAssignmentValueData | null };

const VALUE_VERSION = 0;

function key(type: ConsumerGroupRecordType, groupId: string, memberId?: string): Buffer {
  const w = new Writer(64);
  w.int16(type);
  if (memberId === undefined) compile(GroupKey, false).write(w, { groupId });
  else compile(MemberKey, false).write(w, { groupId, memberId });
  return w.toBuffer();
}

function value<T extends t.Type>(type: T, data: t.Value<T>): Buffer {
  const w = new Writer(64);
  w.int16(VALUE_VERSION);
  compile(type, true).write(w, data);
  return w.toBuffer();
}

export function groupEpochRecord(groupId: string, epoch: number, metadataHash: bigint): { key: Buffer; value: Buffer } {
  return { key: key(ConsumerGroupRecordType.GROUP_METADATA, groupId), value: value(GroupMetadataValue, { epoch, metadataHash }) };
}

export function memberMetadataRecord(groupId: string, memberId: string, data: MemberMetadataValueData): { key: Buffer; value: Buffer } {
  return { key: key(ConsumerGroupRecordType.MEMBER_METADATA, groupId, memberId), value: value(MemberMetadataValue, data) };
}

export function targetAssignmentEpochRecord(groupId: string, assignmentEpoch: number): { key: Buffer; value: Buffer } {
  return {
    key: key(ConsumerGroupRecordType.TARGET_ASSIGNMENT_METADATA, groupId),
    value: value(TargetAssignmentMetadataValue, { assignmentEpoch, assignmentTimestamp: BigInt(Date.now()) }),
  };
}

export function targetAssignmentMemberRecord(groupId: string, memberId: string, topicPartitions: StoredTopicPartitions[]): { key: Buffer; value: Buffer } {
  return { key: key(ConsumerGroupRecordType.TARGET_ASSIGNMENT_MEMBER, groupId, memberId), value: value(TargetAssignmentMemberValue, { topicPartitions }) };
}

export function currentAssignmentRecord(groupId: string, memberId: string, data: CurrentMemberAssignmentValueData): { key: Buffer; value: Buffer } {
  return { key: key(ConsumerGroupRecordType.CURRENT_MEMBER_ASSIGNMENT, groupId, memberId), value: value(CurrentMemberAssignmentValue, data) };
}

/** The tombstone of a record type, for the group or one member. */
export function consumerGroupTombstone(type: ConsumerGroupRecordType, groupId: string, memberId?: string): { key: Buffer; value: null } {
  return { key: key(type, groupId, memberId), value: null };
}

function readValue<T extends t.Type>(type: T, bytes: Buffer, name: string): t.Value<T> {
  const r = new Reader(bytes);
  const version = r.int16();
  if (version !== VALUE_VERSION) throw new Error(`${name} v${version} is not supported`);
  return compile(type, true).read(r);
}

/** Whether a record key's version (its first two bytes) is one of the consumer-group record types. */
export function isConsumerGroupRecordType(version: number): version is ConsumerGroupRecordType {
  return version >= ConsumerGroupRecordType.GROUP_METADATA && version <= ConsumerGroupRecordType.CURRENT_MEMBER_ASSIGNMENT;
}

export function decodeConsumerGroupRecord(keyBytes: Buffer, valueBytes: Buffer | null): ConsumerGroupRecord | undefined {
  const r = new Reader(keyBytes);
  const type = r.int16();
  switch (type) {
    case ConsumerGroupRecordType.GROUP_METADATA: {
      const { groupId } = compile(GroupKey, false).read(r);
      return { type, groupId, value: valueBytes === null ? null : readValue(GroupMetadataValue, valueBytes, 'ConsumerGroupMetadataValue') };
    }
    case ConsumerGroupRecordType.PARTITION_METADATA:
      return { type, groupId: compile(GroupKey, false).read(r).groupId };
    case ConsumerGroupRecordType.TARGET_ASSIGNMENT_METADATA: {
      const { groupId } = compile(GroupKey, false).read(r);
      return {
        type,
        groupId,
        value: valueBytes === null ? null : readValue(TargetAssignmentMetadataValue, valueBytes, 'ConsumerGroupTargetAssignmentMetadataValue'),
      };
    }
    case ConsumerGroupRecordType.MEMBER_METADATA: {
      const { groupId, memberId } = compile(MemberKey, false).read(r);
      return { type, groupId, memberId, value: valueBytes === null ? null : readValue(MemberMetadataValue, valueBytes, 'ConsumerGroupMemberMetadataValue') };
    }
    case ConsumerGroupRecordType.TARGET_ASSIGNMENT_MEMBER: {
      const { groupId, memberId } = compile(MemberKey, false).read(r);
      const stored = valueBytes === null ? null : readValue(TargetAssignmentMemberValue, valueBytes, 'ConsumerGroupTargetAssignmentMemberValue');
      return { type, groupId, memberId, value: stored?.topicPartitions ?? null };
    }
    case ConsumerGroupRecordType.CURRENT_MEMBER_ASSIGNMENT: {
      const { groupId, memberId } = compile(MemberKey, false).read(r);
      return {
        type,
        groupId,
        memberId,
        value: valueBytes === null ? null : readValue(CurrentMemberAssignmentValue, valueBytes, 'ConsumerGroupCurrentMemberAssignmentValue'),
      };
    }
    default:
      return undefined;
  }
}
