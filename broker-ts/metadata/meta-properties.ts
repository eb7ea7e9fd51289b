// meta.properties in every log directory, as `kafka-storage format` writes it for Kafka: the
// cluster id and node id the data belongs to. broker-ts formats a directory itself on first start
// (with cluster.id from the configuration, or a new id) and refuses data of another cluster or node.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/config-error.js';
import { parseProperties } from '../config/properties-file.js';
import { createDirectoryDurablySync, writeFileDurablySync } from '../storage/index.js';
import { randomKafkaUuid } from './kafka-uuid.js';

const FILE_NAME = 'meta.properties';

interface MetaProperties {
  clusterId: string;
  nodeId: number;
}

function read(dir: string): MetaProperties | undefined {
  const file = join(dir, FILE_NAME);
  if (!existsSync(file)) return undefined;
  const properties = parseProperties(readFileSync(file, 'utf8'));
  const clusterId = properties.get('cluster.id');
  const nodeId = Number(properties.get('node.id'));
  if (clusterId === undefined || !Number.isInteger(nodeId)) throw new ConfigError(`${file} is not a valid meta.properties file`);
  return { clusterId, nodeId };
}

function write(dir: string, meta: MetaProperties): void {
  const file = join(dir, FILE_NAME);
  const text = `#\n#${new Date().toString()}\nnode.id=${meta.nodeId}\ndirectory.id=${randomKafkaUuid()}\nversion=1\ncluster.id=${meta.clusterId}\n`;
  // Durable before the node goes on: a meta.properties lost in a power cut makes the next start
  // format the directory again, as another node with no data.
  writeFileDurablySync(file, text);
}

/**
 * Makes every directory carry the same cluster and node id and returns the cluster id: the one
 * already on disk, else the configured one, else a new one.
 */
export function ensureMetaProperties(dirs: readonly string[], nodeId: number, configuredClusterId: string | undefined): string {
  const found = new Map<string, MetaProperties>();
  for (const dir of dirs) {
    createDirectoryDurablySync(dir);
    const meta = read(dir);
    if (meta !== undefined) found.set(dir, meta);
  }
  const clusterIds = new Set([...found.values()].map((m) => m.clusterId));
  if (clusterIds.size > 1) throw new ConfigError(`log directories belong to different clusters: ${[...clusterIds].join(', ')}`);
  const existing = [...clusterIds][0];
  if (existing !== undefined && configuredClusterId !== undefined && existing !== configuredClusterId) {
    throw new ConfigError(`Invalid cluster.id ${configuredClusterId}: the log directories belong to cluster ${existing} (meta.properties)`);
  }
  for (const [dir, meta] of found) {
    if (meta.nodeId !== nodeId) throw new ConfigError(`Invalid node.id ${nodeId}: ${join(dir, FILE_NAME)} belongs to node ${meta.nodeId}`);
  }
  const clusterId = existing ?? configuredClusterId ?? randomKafkaUuid();
  for (const dir of dirs) if (!found.has(dir)) write(dir, { clusterId, nodeId });
  return clusterId;
}
