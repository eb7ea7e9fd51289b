import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterSecurity } from '../../security/cluster-security.js';
import { KAFKA_NODE_JVM_OPTS, log4j2Properties, log4jProperties } from '../process/kafka-jvm.js';
import { toProperties } from '../process/layout.js';
import type { ContainerCommand, ContainerNodeKind } from './container-node.js';
import { CONTAINER_DATA_DIR, CONTAINER_NODE_DIR } from './node-properties.js';

const CLASSPATH = "'/opt/kafka/libs/*'";

/** Both logging backends get a config: Kafka 4 ships log4j2, 3.x reload4j; each reads its own. */
function writeLoggingConfigs(nodeDir: string): string[] {
  const log = `${CONTAINER_NODE_DIR}/server.log`;
  writeFileSync(join(nodeDir, 'log4j2.properties'), log4j2Properties(log));
  writeFileSync(join(nodeDir, 'log4j.properties'), log4jProperties(log));
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

  prepare(nodeDir: string, properties: Record<string, string>, clusterId: string, security?: ClusterSecurity): void {
    // Unclean elections in KRaft run on a timer (5 minutes by default); a test cannot wait that long.
    const props = { ...properties, 'unclean.leader.election.interval.ms': properties['unclean.leader.election.interval.ms'] ?? '1000' };
    writeFileSync(join(nodeDir, 'server.properties'), toProperties(props));
    const logging = writeLoggingConfigs(nodeDir);
    const formatArgs = (security?.kafkaFormatArgs() ?? []).map((arg) => ` '${arg}'`).join('');
    const format = [
      '#!/bin/sh',
      '# Written by kafka-chaos. Formats the data dir unless it is formatted (the first start, after a wipe).',
      'set -e',
      `cd ${CONTAINER_NODE_DIR}`,
      `if [ ! -f ${CONTAINER_DATA_DIR}/meta.properties ]; then`,
      // SCRAM users go into the metadata log at format time (kafka-storage format --add-scram).
      `  java -cp ${CLASSPATH} kafka.tools.StorageTool format -t ${clusterId} -c server.properties --ignore-formatted${formatArgs} >> format.log 2>&1`,
      'fi',
      '',
    ].join('\n');
    const start = [
      '#!/bin/sh',
      '# Written by kafka-chaos. Formats the data dir if it needs it, then runs Kafka.',
      'set -e',
      `/bin/sh ${CONTAINER_NODE_DIR}/format.sh`,
      `cd ${CONTAINER_NODE_DIR}`,
      `exec java ${[...KAFKA_NODE_JVM_OPTS, `-Dkafka.logs.dir=${CONTAINER_NODE_DIR}`, ...logging].join(' ')} -cp ${CLASSPATH} kafka.Kafka server.properties`,
      '',
    ].join('\n');
    for (const [name, script] of [
      ['format.sh', format],
      ['start.sh', start],
    ] as const) {
      writeFileSync(join(nodeDir, name), script);
      chmodSync(join(nodeDir, name), 0o755);
    }
  }

  command(): ContainerCommand {
    return { image: this.image, entrypoint: ['/bin/sh', `${CONTAINER_NODE_DIR}/start.sh`], command: [], environment: {} };
  }

  formatCommand(): ContainerCommand {
    return { image: this.image, entrypoint: ['/bin/sh', `${CONTAINER_NODE_DIR}/format.sh`], command: [], environment: {} };
  }

  mainLog(nodeDir: string): string {
    return join(nodeDir, 'server.log');
  }
}
