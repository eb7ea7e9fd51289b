// What every Java process of a Kafka install needs: its logging configuration, and StorageTool
// to format a data dir. Shared by the node launcher and the class-archive training run.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../../errors.js';
import type { KafkaInstall } from '../../provision/kafka.js';

/** A Kafka node's JVM, in every runtime: a small heap that three nodes on two cores can afford. */
export const KAFKA_NODE_JVM_OPTS = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];

/** The flags of a short-lived Kafka tool (StorageTool): C1 alone and one GC thread start fastest. */
const SHORT_LIVED_JVM_OPTS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

export function kafkaClasspath(install: KafkaInstall): string {
  return `${install.libs}/*`;
}

export function sharedClassesFlags(archive: string | undefined): string[] {
  return archive ? [`-XX:SharedArchiveFile=${archive}`] : [];
}

/** log4j2 (Kafka 4) configuration that writes everything from INFO up to `logFile`. */
export function log4j2Properties(logFile: string): string {
  return [
    'status = warn',
    'appender.file.type = File',
    'appender.file.name = FILE',
    `appender.file.fileName = ${logFile}`,
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.file.ref = FILE',
    '',
  ].join('\n');
}

/** log4j 1 / reload4j (Kafka 3.x) configuration that writes everything from INFO up to `logFile`. */
export function log4jProperties(logFile: string): string {
  return [
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.FileAppender',
    `log4j.appender.file.File=${logFile}`,
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    '',
  ].join('\n');
}

/** Writes a node's logging configuration (server.log in `logDir`) and returns the JVM flag that selects it. */
export function loggingConfig(install: KafkaInstall, logDir: string): { file: string; jvmFlag: string } {
  const logFile = join(logDir, 'server.log');
  if (install.logging === 'log4j2') {
    const file = join(logDir, 'log4j2.properties');
    writeFileSync(file, log4j2Properties(logFile));
    return { file, jvmFlag: `-Dlog4j2.configurationFile=${file}` };
  }
  const file = join(logDir, 'log4j.properties');
  writeFileSync(file, log4jProperties(logFile));
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
        const cause =
          output
            .split('\n')
            .find((l) => /Exception|Error/.test(l))
            ?.replace(/^.*?(\w+(Exception|Error): )/, '$1') ?? `exit ${code}`;
        reject(new HarnessError(`${what} failed: ${cause.trim()}\nLast lines of ${logFile}:\n${output.trim().split('\n').slice(-12).join('\n')}`));
      }
    });
  });
}

/** `kafka-storage format` of the data dir that `configFile` names; its output goes to `logFile`. */
export function formatDataDir(
  install: KafkaInstall,
  what: string,
  options: { clusterId: string; configFile: string; logFile: string; classArchive?: string | undefined; extraArgs?: string[] },
): Promise<void> {
  return runJava(
    `formatting the data dir of ${what} (kafka.tools.StorageTool)`,
    [
      ...SHORT_LIVED_JVM_OPTS,
      ...sharedClassesFlags(options.classArchive),
      '-cp',
      kafkaClasspath(install),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      options.clusterId,
      '-c',
      options.configFile,
      '--ignore-formatted',
      ...(options.extraArgs ?? []),
    ],
    options.logFile,
  );
}
