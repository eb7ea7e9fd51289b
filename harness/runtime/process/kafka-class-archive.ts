// A Kafka node spends most of its start-up loading and verifying the classes of Kafka, Scala and
// their dependencies, and three nodes starting at once on two cores queue for the CPU. An AppCDS
// archive (JDK 13+: -XX:ArchiveClassesAtExit, then -XX:SharedArchiveFile) holds those classes
// already parsed and verified, which more than halves a node's start-up CPU. It changes nothing
// once a node runs. The archive is made once per Kafka install and JDK by starting one throwaway
// node, and cached beside the jars; without it (a failed training run) nodes start as before.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errorMessage } from '../../errors.js';
import { log } from '../../log.js';
import { cacheDir } from '../../provision/cache.js';
import type { KafkaInstall } from '../../provision/kafka.js';
import { throwawayPorts } from '../ports.js';
import { supervisor } from '../supervisor.js';
import { formatDataDir, kafkaClasspath, loggingConfig } from './kafka-jvm.js';
import { toProperties } from './layout.js';
import { pollUntil } from '../../wait.js';

const STARTED = /Kafka Server started|KafkaRaftServer.*started/;
const TRAINING_TIMEOUT_MS = 90_000;
/** Any valid cluster id will do for a node that is thrown away. */
const TRAINING_CLUSTER_ID = 'a2Fma2EtY2hhb3MtY2RzAA';

const archives = new Map<string, Promise<string | undefined>>();

/** The archive for this install and JDK, made on first use; undefined when it cannot be made. */
export function kafkaClassArchive(install: KafkaInstall): Promise<string | undefined> {
  const file = archiveFile(install);
  let archive = archives.get(file);
  if (!archive) {
    archive = existsSync(file)
      ? Promise.resolve(file)
      : train(install, file).catch((err: unknown) => {
          log.warn({ err: errorMessage(err), version: install.version }, 'no class archive for Kafka: its nodes start without one');
          return undefined;
        });
    archives.set(file, archive);
  }
  return archive;
}

const archiveFiles = new Map<string, string>();

/** An archive is valid only for the JDK and the jars it was made with, so both name it. */
function archiveFile(install: KafkaInstall): string {
  const known = archiveFiles.get(install.libs);
  if (known) return known;
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const hash = createHash('sha256').update(`${java.stderr ?? ''}${java.stdout ?? ''}\0${install.libs}\0`);
  for (const jar of readdirSync(install.libs).sort()) {
    const st = statSync(join(install.libs, jar));
    hash.update(`${jar}\0${st.size}\0${st.mtimeMs}\0`);
  }
  const dir =
    install.source === 'maven'
      ? cacheDir('kafka', install.version)
      : cacheDir('kafka-home', createHash('sha256').update(install.libs).digest('hex').slice(0, 16));
  const file = join(dir, `classes-${hash.digest('hex').slice(0, 16)}.jsa`);
  archiveFiles.set(install.libs, file);
  return file;
}

/** Starts a single-node cluster with -XX:ArchiveClassesAtExit and stops it once it serves. */
async function train(install: KafkaInstall, file: string): Promise<string> {
  const started = performance.now();
  const sup = supervisor();
  const dir = sup.tempDir('kafka-class-archive');
  try {
    // Not from the run's ports: with KAFKA_CHAOS_PORT_RANGE those are few and never handed out twice.
    const [brokerPort, controllerPort] = await throwawayPorts(2);
    const config = join(dir, 'server.properties');
    writeFileSync(
      config,
      toProperties({
        'node.id': '1',
        'process.roles': 'broker,controller',
        listeners: `PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}`,
        'controller.listener.names': 'CONTROLLER',
        'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
        'log.dirs': join(dir, 'data'),
        'offsets.topic.replication.factor': '1',
        'transaction.state.log.replication.factor': '1',
        'transaction.state.log.min.isr': '1',
      }),
    );
    await formatDataDir(install, 'the class-archive training node', { clusterId: TRAINING_CLUSTER_ID, configFile: config, logFile: join(dir, 'format.log') });

    const partial = join(dir, 'classes.jsa');
    const node = sup.spawn(
      'kafka-class-archive',
      'java',
      [
        '-Xmx512m',
        `-XX:ArchiveClassesAtExit=${partial}`,
        `-Dkafka.logs.dir=${dir}`,
        loggingConfig(install, dir).jvmFlag,
        '-cp',
        kafkaClasspath(install),
        'kafka.Kafka',
        config,
      ],
      { logFile: join(dir, 'stdout.log') },
    );
    const serverLog = join(dir, 'server.log');
    const up = await pollUntil(
      () => {
        if (!node.running) throw new Error(`the training node exited early (${JSON.stringify(node.exitStatus)})`);
        return existsSync(serverLog) && STARTED.test(readFileSync(serverLog, 'utf8'));
      },
      { timeoutMs: TRAINING_TIMEOUT_MS },
    );
    if (!up) {
      node.kill();
      throw new Error(`the training node did not start within ${TRAINING_TIMEOUT_MS / 1000} s`);
    }
    // The archive is written as the JVM exits normally: SIGTERM runs Kafka's controlled shutdown.
    await node.stop(30_000);
    if (!existsSync(partial)) throw new Error('the JVM wrote no archive on exit');
    // Copied beside its final name and renamed, as the temp dir may be on another file system and
    // another harness may be reading the cache.
    mkdirSync(dirname(file), { recursive: true });
    const staged = `${file}.${process.pid}.partial`;
    copyFileSync(partial, staged);
    renameSync(staged, file);
    log.info(
      { version: install.version, archive: file, ms: Math.round(performance.now() - started) },
      'made a class archive for Kafka (once per version and JDK)',
    );
    return file;
  } finally {
    sup.forgetTempDir(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}
