// DescribeLogDirs (key 35): this node's log dirs, the replicas in each with their sizes, and the
// size of the volume each is on; what `kafka-log-dirs --describe` and Admin.describeLogDirs ask
// every broker.
import { statfsSync } from 'node:fs';
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';

function volume(logDir: string): { totalBytes: bigint; usableBytes: bigint } {
  try {
    const stats = statfsSync(logDir, { bigint: true });
    return { totalBytes: stats.blocks * stats.bsize, usableBytes: stats.bavail * stats.bsize };
  } catch {
    return { totalBytes: -1n, usableBytes: -1n };
  }
}

export const describeLogDirsHandler = defineHandler({
  apiKey: ApiKey.DescribeLogDirs,
  minVersion: 1,
  maxVersion: 5,
  handle(broker, body) {
    const wanted = body.topics === null ? null : new Map(body.topics.map((t) => [t.topic, new Set(t.partitions)]));
    const results = broker.replicas.describeLogDirs(wanted).map(({ logDir, offline, partitions }) => {
      const byTopic = new Map<string, { partitionIndex: number; partitionSize: bigint; offsetLag: bigint; isFutureKey: boolean }[]>();
      for (const p of partitions) {
        const list = byTopic.get(p.topic) ?? [];
        list.push({ partitionIndex: p.partition, partitionSize: p.size, offsetLag: p.offsetLag, isFutureKey: false });
        byTopic.set(p.topic, list);
      }
      return {
        errorCode: offline ? ErrorCode.KAFKA_STORAGE_ERROR : ErrorCode.NONE,
        logDir,
        topics: [...byTopic].map(([name, list]) => ({ name, partitions: list.sort((a, b) => a.partitionIndex - b.partitionIndex) })),
        ...(offline ? { totalBytes: -1n, usableBytes: -1n } : volume(logDir)),
        isCordoned: false,
      };
    });
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results };
  },
});
