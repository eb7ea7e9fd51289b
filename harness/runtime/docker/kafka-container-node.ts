import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toProperties } from '../process/layout.js';
import type { ContainerCommand, ContainerNodeKind } from './container-node.js';
import { CONTAINER_DATA_DIR, CONTAINER_NODE_DIR } from './node-properties.js';

/** The process runtime's JVM settings: a small heap that three nodes on two cores can afford. */
const JVM_OPTS = ['-Xms256m', '-Xmx512m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true'];
const CLASSPATH = "'/opt/kafka/libs/*'";

/** Both logging backends get a config: Kafka 4 ships log4j2, 3.x reload4j; each reads its own. */
function writeLoggingConfigs(nodeDir: string): string[] {
  const log = `${CONTAINER_NODE_DIR}/server.log`;
  writeFileSync(
    join(nodeDir, 'log4j2.properties'),
    [
      'status = warn',
      'appender.file.type = File',
      'appender.file.name = FILE',
      `appender.file.fileName = ${log}`,
      'appender.file.layout.type = PatternLayout',
      'appender.file.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = INFO',
      'rootLogger.appenderRef.file.ref = FILE',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(nodeDir, 'log4j.properties'),
    [
      'log4j.rootLogger=INFO, file',
      'log4j.appender.file=org.apache.log4j.FileAppender',
      `log4j.appender.file.File=${log}`,
      'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
      '',
    ].join('\n'),
  );
  return [`-Dlog4j2.configurationFile=${CONTAINER_NODE_DIR}/log4j2.properties`, `-Dlog4j.configuration=file:${CONTAINER_NODE_DIR}/log4j.properties`];
}

/**
 * Apache Kafka in KRaft combined mode, in the official apache/kafka image or the local
 * equivalent (both have the jars in /opt/kafka/libs and java on PATH). Bypasses the official
 * image's own start scripts: the node runs the same server.properties as in the process runtime.
 */
export class KafkaContainerNode implements ContainerNodeKind {
  readonly broker = 'kafka' as const;

  constructor(
    readonly version: string,
    private readonly image: string,
  ) {}

  prepare(nodeDir: string, properties: Record<string, string>, clusterId: string): void {
    // Unclean elections in KRaft run on a timer (5 minutes by default); a test cannot wait that long.
    const props = { ...properties, 'unclean.leader.election.interval.ms': properties['unclean.leader.election.interval.ms'] ?? '1000' };
    writeFileSync(join(nodeDir, 'server.properties'), toProperties(props));
    const logging = writeLoggingConfigs(nodeDir);
    const script = [
      '#!/bin/sh',
      '# Written by kafka-chaos. Formats the data dir on the first start (and after a wipe), then runs Kafka.',
      'set -e',
      `cd ${CONTAINER_NODE_DIR}`,
      `if [ ! -f ${CONTAINER_DATA_DIR}/meta.properties ]; then`,
      `  java -cp ${CLASSPATH} kafka.tools.StorageTool format -t ${clusterId} -c server.properties --ignore-formatted >> format.log 2>&1`,
      'fi',
      `exec java ${[...JVM_OPTS, `-Dkafka.logs.dir=${CONTAINER_NODE_DIR}`, ...logging].join(' ')} -cp ${CLASSPATH} kafka.Kafka server.properties`,
      '',
    ].join('\n');
    writeFileSync(join(nodeDir, 'start.sh'), script);
    chmodSync(join(nodeDir, 'start.sh'), 0o755);
  }

  command(): ContainerCommand {
    return { image: this.image, entrypoint: ['/bin/sh', `${CONTAINER_NODE_DIR}/start.sh`], command: [], environment: {} };
  }

  mainLog(nodeDir: string): string {
    return join(nodeDir, 'server.log');
  }
}
