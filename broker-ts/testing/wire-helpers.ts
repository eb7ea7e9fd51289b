// Small request builders for handler tests that talk to a broker with the wire client.
import { ApiKey, Compression, encodeRecordBatch } from '@kafka-chaos/protocol';
import type { BatchOptions, RecordInput, WireClient } from '@kafka-chaos/protocol';

export async function createTopic(client: WireClient, name: string, numPartitions = 1, configs: Record<string, string> = {}): Promise<string> {
  const response = await client.send(ApiKey.CreateTopics, 7, {
    topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    timeoutMs: 10_000,
    validateOnly: false,
  });
  const topic = response.topics[0]!;
  if (topic.errorCode !== 0) throw new Error(`CreateTopics ${name}: error ${topic.errorCode} ${topic.errorMessage}`);
  return topic.topicId!;
}

export interface ProduceOptions extends BatchOptions {
  acks?: number;
  version?: number;
  timeoutMs?: number;
}

/** Produces one batch and returns the partition's response. */
export async function produce(client: WireClient, topic: string, partition: number, records: readonly RecordInput[], options: ProduceOptions = {}) {
  const { acks = -1, version = 9, timeoutMs = 5000, ...batch } = options;
  const response = await client.send(ApiKey.Produce, version, {
    transactionalId: null,
    acks,
    timeoutMs,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: encodeRecordBatch(records, { compression: Compression.None, ...batch }) }] }],
  });
  return response.responses[0]!.partitionResponses[0]!;
}

export function values(count: number, prefix = 'v'): RecordInput[] {
  return Array.from({ length: count }, (_, i) => ({ value: `${prefix}${i}` }));
}

/** A classic member's SyncGroup (v5, consumer protocol, `range`): the leader hands in `assignments`, a follower none. */
export function syncGroup(
  client: WireClient,
  groupId: string,
  generationId: number,
  memberId: string,
  assignments: { memberId: string; assignment: Buffer }[] = [],
) {
  return client.send(ApiKey.SyncGroup, 5, {
    groupId,
    generationId,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments,
  });
}
