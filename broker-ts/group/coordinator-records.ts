// The records the group coordinator keeps in __consumer_offsets, in Kafka's own format (a version
// prefix, then the message in the classic encoding): OffsetCommitKey v1 / OffsetCommitValue v3 for
// committed offsets and GroupMetadataKey v2 / GroupMetadataValue v3 for groups. A null value is a
// tombstone. Using Kafka's layout keeps the log readable by Kafka's own tools.
import { Reader, Writer, compile, schema as t } from '@kafka-chaos/protocol';

const OffsetCommitKey = t.struct({ group: t.string, topic: t.string, partition: t.int32 });
const GroupMetadataKey = t.struct({ group: t.string });

const OffsetCommitValue = t.struct({
  offset: t.int64,
  leaderEpoch: t.int32,
  metadata: t.string,
  commitTimestamp: t.int64,
});

const GroupMember = t.struct({
  memberId: t.string,
  groupInstanceId: t.nullableString,
  clientId: t.string,
  clientHost: t.string,
  rebalanceTimeout: t.int32,
  sessionTimeout: t.int32,
  subscription: t.bytes,
  assignment: t.bytes,
});

const GroupMetadataValue = t.struct({
  protocolType: t.string,
  generation: t.int32,
  protocol: t.nullableString,
  leader: t.nullableString,
  currentStateTimestamp: t.int64,
  members: t.array(GroupMember),
});

const OFFSET_COMMIT_KEY_VERSION = 1;
const GROUP_METADATA_KEY_VERSION = 2;
const OFFSET_COMMIT_VALUE_VERSION = 3;
const GROUP_METADATA_VALUE_VERSION = 3;

export type OffsetCommitValueData = t.Value<typeof OffsetCommitValue>;
export type GroupMetadataValueData = t.Value<typeof GroupMetadataValue>;
export type StoredMember = t.Value<typeof GroupMember>;

export type CoordinatorKey = { type: 'offset'; group: string; topic: string; partition: number } | { type: 'group'; group: string };

function versioned<V>(version: number, write: (w: Writer, value: V) => void, value: V): Buffer {
  const w = new Writer(64);
  w.int16(version);
  write(w, value);
  return w.toBuffer();
}

export function offsetCommitKey(group: string, topic: string, partition: number): Buffer {
  return versioned(OFFSET_COMMIT_KEY_VERSION, compile(OffsetCommitKey, false).write, { group, topic, partition });
}

export function groupMetadataKey(group: string): Buffer {
  return versioned(GROUP_METADATA_KEY_VERSION, compile(GroupMetadataKey, false).write, { group });
}

export function offsetCommitValue(value: OffsetCommitValueData): Buffer {
  return versioned(OFFSET_COMMIT_VALUE_VERSION, compile(OffsetCommitValue, false).write, value);
}

export function groupMetadataValue(value: GroupMetadataValueData): Buffer {
  return versioned(GROUP_METADATA_VALUE_VERSION, compile(GroupMetadataValue, false).write, value);
}

/** Undefined for record types broker-ts does not use (transaction and consumer-protocol records). */
export function decodeCoordinatorKey(bytes: Buffer): CoordinatorKey | undefined {
  const r = new Reader(bytes);
  const version = r.int16();
  if (version === 0 || version === 1) return { type: 'offset', ...compile(OffsetCommitKey, false).read(r) };
  if (version === 2) return { type: 'group', ...compile(GroupMetadataKey, false).read(r) };
  return undefined;
}

export function decodeOffsetCommitValue(bytes: Buffer): OffsetCommitValueData {
  const r = new Reader(bytes);
  const version = r.int16();
  if (version !== OFFSET_COMMIT_VALUE_VERSION) throw new Error(`OffsetCommitValue v${version} is not supported`);
  return compile(OffsetCommitValue, false).read(r);
}

export function decodeGroupMetadataValue(bytes: Buffer): GroupMetadataValueData {
  const r = new Reader(bytes);
  const version = r.int16();
  if (version !== GROUP_METADATA_VALUE_VERSION) throw new Error(`GroupMetadataValue v${version} is not supported`);
  return compile(GroupMetadataValue, false).read(r);
}
