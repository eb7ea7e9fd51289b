import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaInstall } from '../../provision/kafka.js';
import type { NodeCommand, NodeLauncher } from './launcher.js';
import { kafkaClassArchive } from './kafka-class-archive.js';
import { KAFKA_NODE_JVM_OPTS, formatDataDir, kafkaClasspath, loggingConfig, sharedClassesFlags } from './kafka-jvm.js';
import { commonNodeProperties, toProperties, type ClusterLayout, type NodeLayout } from './layout.js';

/**
 * Kafka's Uuid: 16 random bytes in URL-safe base64 without padding. Like Kafka's Uuid.randomUuid,
 * never one that starts with '-', which the tools' argument parser takes for an option.
 */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Apache Kafka in KRaft combined mode, from the jars the provisioner assembled. */
export class KafkaLauncher implements NodeLauncher {
  readonly broker = 'kafka' as const;
  private readonly jvmLogging = new Map<number, string>();
  private classArchive: string | undefined;

  constructor(private readonly install: KafkaInstall) {}

  get version(): string {
    return this.install.version;
  }

  configFile(node: NodeLayout): string {
    return join(node.logDir, 'server.properties');
  }

  mainLog(node: NodeLayout): string {
    return join(node.logDir, 'server.log');
  }

  async prepare(cluster: ClusterLayout, nodes = cluster.nodes): Promise<void> {
    this.classArchive = await kafkaClassArchive(this.install);
    await Promise.all(
      nodes.map(async (node) => {
        mkdirSync(node.logDir, { recursive: true });
        mkdirSync(node.dataDir, { recursive: true });
        const props = commonNodeProperties(node, cluster);
        // Unclean elections in KRaft run on a timer (5 minutes by default); a test cannot wait that long.
        props['unclean.leader.election.interval.ms'] ??= '1000';
        writeFileSync(this.configFile(node), toProperties(props));
        this.jvmLogging.set(node.id, loggingConfig(this.install, node.logDir).jvmFlag);
        await formatDataDir(this.install, `Kafka node ${node.id}`, {
          clusterId: cluster.clusterId,
          configFile: this.configFile(node),
          logFile: join(node.logDir, 'format.log'),
          classArchive: this.classArchive,
          // SCRAM users live in the metadata log: the bootstrap checkpoint the format writes.
          extraArgs: cluster.security?.kafkaFormatArgs() ?? [],
        });
      }),
    );
  }

  command(node: NodeLayout): NodeCommand {
    return {
      command: 'java',
      args: [
        ...KAFKA_NODE_JVM_OPTS,
        ...sharedClassesFlags(this.classArchive),
        `-Dkafka.logs.dir=${node.logDir}`,
        this.jvmLogging.get(node.id) ?? '',
        '-cp',
        kafkaClasspath(this.install),
        'kafka.Kafka',
        this.configFile(node),
      ].filter((a) => a !== ''),
    };
  }

  /** The properties a node runs with, as written for it. */
  readConfig(node: NodeLayout): string {
    return readFileSync(this.configFile(node), 'utf8');
  }
}
