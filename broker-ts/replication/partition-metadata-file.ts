// `partition.metadata` in each partition directory records the topic id the log belongs to, as in
// Kafka: a topic deleted and created again under the same name while this node was down leaves a
// directory whose id no longer matches, and start-up must not mistake it for the new topic's data.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from '../storage/index.js';

const FILE_NAME = 'partition.metadata';

export function writePartitionMetadata(dir: string, topicId: string): Promise<void> {
  return writeFileDurably(join(dir, FILE_NAME), `version: 0\ntopic_id: ${topicId}\n`);
}

/** The topic id recorded in the directory, or undefined when there is none. */
export function readPartitionMetadata(dir: string): string | undefined {
  const file = join(dir, FILE_NAME);
  if (!existsSync(file)) return undefined;
  const match = /^topic_id:\s*(\S+)\s*$/m.exec(readFileSync(file, 'utf8'));
  return match?.[1];
}
