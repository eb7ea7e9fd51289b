// OffsetDelete (key 47, KIP-496): what `kafka-consumer-groups --delete-offsets` sends. As KafkaApis
// does, partitions the cluster does not have are answered before the coordinator sees the request
// (each topic's refused partitions first, then the coordinator's), and a group-level error is
// answered alone.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';

export const offsetDeleteHandler = defineHandler({
  apiKey: ApiKey.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  async handle(broker, body) {
    const answers = new Map<string, { partitionIndex: number; errorCode: number }[]>();
    const answer = (topic: string, partitionIndex: number, errorCode: number) => {
      const list = answers.get(topic) ?? [];
      list.push({ partitionIndex, errorCode });
      answers.set(topic, list);
    };
    const known: { name: string; partitions: number[] }[] = [];
    for (const topic of body.topics) {
      const partitions: number[] = [];
      for (const { partitionIndex } of topic.partitions) {
        if (broker.image.partition(topic.name, partitionIndex) === undefined) answer(topic.name, partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        else partitions.push(partitionIndex);
      }
      if (partitions.length > 0) known.push({ name: topic.name, partitions });
    }
    const result = await broker.groups.deleteOffsets(body.groupId, known);
    if (result.errorCode !== ErrorCode.NONE) return { errorCode: result.errorCode, throttleTimeMs: 0, topics: [] };
    for (const topic of result.topics) for (const p of topic.partitions) answer(topic.name, p.partitionIndex, p.errorCode);
    return { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics: [...answers].map(([name, partitions]) => ({ name, partitions })) };
  },
});
