import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../../errors.js';
import type { KafkaInstall } from '../../provision/kafka.js';
import type { NodeCommand, NodeLauncher } from './launcher.js';
import { SHORT_LIVED_JVM_OPTS, kafkaClassArchive } from './kafka-class-archive.js';
import { commonNodeProperties, toProperties, type ClusterLayout, type NodeLayout } from './layout.js';

const JVM_OPTS = ['-Xms256m', '-Xmx512m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true'];

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

function loggingConfig(install: KafkaInstall, logDir: string): { file: string; jvmFlag: string } {
  if (install.logging === 'log4j2') {
    const file = join(logDir, 'log4j2.properties');
    writeFileSync(
      file,
      [
        'status = warn',
        'appender.file.type = File',
        'appender.file.name = FILE',
        `appender.file.fileName = ${join(logDir, 'server.log')}`,
        'appender.file.layout.type = PatternLayout',
        'appender.file.layout.pattern = [%d] %p %m (%c)%n',
        'rootLogger.level = INFO',
        'rootLogger.appenderRef.file.ref = FILE',
        '',
      ].join('\n'),
    );
    return { file, jvmFlag: `-Dlog4j2.configurationFile=${file}` };
  }
  const file = join(logDir, 'log4j.properties');
  writeFileSync(
    file,
    [
      'log4j.rootLogger=INFO, file',
      'log4j.appender.file=org.apache.log4j.FileAppender',
      `log4j.appender.file.File=${join(logDir, 'server.log')}`,
      'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
      '',
    ].join('\n'),
  );
  return { file, jvmFlag: `-Dlog4j.configuration=file:${file}` };
}

function runJava(what: string, args: string[], logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      writeFileSync(logFile, output);
      if (code === 0) resolve();
      else {
        const cause = output.split('\n').find((l) => /Exception|Error/.test(l))?.replace(/^.*?(\w+(Exception|Error): )/, '$1') ?? `exit ${code}`;
        reject(new HarnessError(`${what} failed: ${cause.trim()}\nLast lines of ${logFile}:\n${output.trim().split('\n').slice(-12).join('\n')}`));
      }
    });
  });
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

  private get classpath(): string {
    return `${this.install.libs}/*`;
  }

  configFile(node: NodeLayout): string {
    return join(node.logDir, 'server.properties');
  }

  mainLog(node: NodeLayout): string {
    return join(node.logDir, 'server.log');
  }

  async prepare(cluster: ClusterLayout, nodes = cluster.nodes): Promise<void> {
    this.classArchive = await kafkaClassArchive(this.install, (logDir) => loggingConfig(this.install, logDir).jvmFlag);
    const sharedClasses = this.classArchive ? [`-XX:SharedArchiveFile=${this.classArchive}`] : [];
    await Promise.all(
      nodes.map(async (node) => {
        mkdirSync(node.logDir, { recursive: true });
        mkdirSync(node.dataDir, { recursive: true });
        const props = commonNodeProperties(node, cluster);
        // Unclean elections in KRaft run on a timer (5 minutes by default); a test cannot wait that long.
        props['unclean.leader.election.interval.ms'] ??= '1000';
        writeFileSync(this.configFile(node), toProperties(props));
        this.jvmLogging.set(node.id, loggingConfig(this.install, node.logDir).jvmFlag);
        await runJava(
          `formatting the data dir of Kafka node ${node.id} (kafka.tools.StorageTool)`,
          [
            ...SHORT_LIVED_JVM_OPTS, ...sharedClasses, '-cp', this.classpath, 'kafka.tools.StorageTool', 'format', '-t', cluster.clusterId, '-c', this.configFile(node), '--ignore-formatted',
            // SCRAM users live in the metadata log: the bootstrap checkpoint the format writes.
            ...(cluster.security?.kafkaFormatArgs() ?? []),
          ],
          join(node.logDir, 'format.log'),
        );
      }),
    );
  }

  command(node: NodeLayout): NodeCommand {
    return {
      command: 'java',
      args: [
        ...JVM_OPTS,
        ...(this.classArchive ? [`-XX:SharedArchiveFile=${this.classArchive}`] : []),
        `-Dkafka.logs.dir=${node.logDir}`,
        this.jvmLogging.get(node.id) ?? '',
        '-cp',
        this.classpath,
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
