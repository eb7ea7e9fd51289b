// Kafka's embedded consumer protocol (protocol type "consumer"): what a classic member's JoinGroup
// metadata (ConsumerProtocolSubscription) and its SyncGroup assignment (ConsumerProtocolAssignment)
// hold. The coordinator reads them when it converts a classic group into a consumer group, and
// writes assignments itself for classic members of a consumer group, which it assigns server-side.
// Both start with a version; a newer version than Kafka 4.4 knows is read as its newest (3), the
// fields a version adds being appended at the end.
import { Reader } from './codec/reader.js';
import { Writer } from './codec/writer.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/** The newest ConsumerProtocolSubscription and ConsumerProtocolAssignment version Kafka 4.4 writes. */
const HIGHEST_VERSION = 3;

export interface TopicPartitionsByName {
  topic: string;
  partitions: number[];
}

export interface ConsumerProtocolSubscription {
  version: number;
  topics: string[];
  userData: Buffer | null;
  /** Version 1+: what the member holds as it joins (cooperative rebalancing). */
  ownedPartitions: TopicPartitionsByName[];
  /** Version 2+, else -1. */
  generationId: number;
  /** Version 3+. */
  rackId: string | null;
}

function readTopicPartitions(reader: Reader): TopicPartitionsByName[] {
  const count = reader.arrayCount(6);
  return Array.from({ length: Math.max(count, 0) }, () => {
    const topic = reader.string();
    const partitions = reader.arrayCount(4);
    return { topic, partitions: Array.from({ length: Math.max(partitions, 0) }, () => reader.int32()) };
  });
}

/** Writes a subscription in `version` (0-3): the fields that version has. */
export function encodeSubscription(version: number, subscription: Omit<ConsumerProtocolSubscription, 'version'>): Buffer {
  const writer = new Writer().int16(version).arrayLength(subscription.topics.length);
  for (const topic of subscription.topics) writer.string(topic);
  writer.nullableBytes(subscription.userData);
  if (version >= 1) writeTopicPartitions(writer, subscription.ownedPartitions);
  if (version >= 2) writer.int32(subscription.generationId);
  if (version >= 3) writer.nullableString(subscription.rackId);
  return writer.toBuffer();
}

function writeTopicPartitions(writer: Writer, partitions: readonly TopicPartitionsByName[]): void {
  writer.arrayLength(partitions.length);
  for (const { topic, partitions: ids } of partitions) {
    writer.string(topic).arrayLength(ids.length);
    for (const id of ids) writer.int32(id);
  }
}

/** Reads a member's subscription; throws on bytes that are not one. */
export function decodeSubscription(metadata: Buffer): ConsumerProtocolSubscription {
  const reader = new Reader(metadata);
  const version = reader.int16();
  if (version < 0) throw new Error(`ConsumerProtocolSubscription version ${version} is negative`);
  const count = reader.arrayCount(2);
  const topics = Array.from({ length: Math.max(count, 0) }, () => reader.string());
  const userData = reader.nullableBytes();
  const ownedPartitions = version >= 1 ? readTopicPartitions(reader) : [];
  const generationId = version >= 2 ? reader.int32() : -1;
  const rackId = version >= 3 ? reader.nullableString() : null;
  return { version, topics, userData, ownedPartitions, generationId, rackId };
}

/** The topics of a member's subscription; undefined when the bytes are not one. */
export function subscribedTopicsOf(metadata: Buffer): string[] | undefined {
  try {
    return decodeSubscription(metadata).topics;
  } catch {
    return undefined;
  }
}

/** The version a subscription was written in: its assignment is answered in the same (Kafka's deserializeVersion). */
export function subscriptionVersion(metadata: Buffer): number {
  return metadata.length >= 2 ? Math.min(Math.max(metadata.readInt16BE(0), 0), HIGHEST_VERSION) : 0;
}

/** Reads an assignment; an empty buffer (a member the leader gave nothing) is an empty assignment. */
export function decodeAssignment(bytes: Buffer): TopicPartitionsByName[] {
  if (bytes.length === 0) return [];
  const reader = new Reader(bytes);
  const version = reader.int16();
  if (version < 0) throw new Error(`ConsumerProtocolAssignment version ${version} is negative`);
  return readTopicPartitions(reader);
}

export function encodeAssignment(version: number, partitions: readonly TopicPartitionsByName[]): Buffer {
  const writer = new Writer().int16(Math.min(Math.max(version, 0), HIGHEST_VERSION));
  writeTopicPartitions(writer, partitions);
  return writer.nullableBytes(null).toBuffer();
}
