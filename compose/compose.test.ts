import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerComposeEnvironment, Wait, type StartedDockerComposeEnvironment } from 'testcontainers';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBrokerConfig } from '@kafka-chaos/broker-ts/config/broker-config';
import { parseCommandLine } from '@kafka-chaos/broker-ts/config/command-line';
import { kafkaClient } from '../harness/clients/kafkajs.js';
import { provisionKafka } from '../harness/provision/kafka.js';
import { brokerTsBuildable } from '../harness/runtime/docker/broker-ts-image.js';
import { removeLabelled } from '../harness/runtime/docker/cleanup.js';
import { dockerEngine } from '../harness/runtime/docker/engine.js';
import { imageNames, pullIfMissing } from '../harness/runtime/docker/images.js';
import { ensureLocalImages } from '../harness/runtime/docker/local-images/build.js';
import { noDockerReason, testImageSource } from '../harness/runtime/docker/test-support.js';
import { isSameProcess, processStartTime } from '../harness/runtime/proc.js';

const COMPOSE_DIR = dirname(fileURLToPath(import.meta.url));
const BOOTSTRAP = ['127.0.0.1:61091', '127.0.0.1:61092', '127.0.0.1:61093'];
const PROJECT_PREFIX = 'kafka-chaos-compose-test-';

/** Compose v2 (the docker CLI plugin) where installed, else Debian's docker-compose (v1). */
function composeTool(): { standalone: boolean; problem?: string } {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return { standalone: false };
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return { standalone: true };
  return { standalone: false, problem: 'neither `docker compose` nor `docker-compose` is installed' };
}

const tool = composeTool();
const skipReason = noDockerReason ?? tool.problem;

/**
 * broker-ts's own verdict on the compose cluster's node configuration: until broker-ts can join a
 * quorum of three controllers, it refuses it, and a three-node broker-ts cluster cannot start.
 * Any other refusal is no reason to skip: the start below then fails with it.
 */
function brokerTsRejectsQuorum(): string | undefined {
  try {
    const config = parseCommandLine(['--config', join(COMPOSE_DIR, 'config', 'node-1.properties'), '--override', 'cluster.id=a2Fma2EtY2hhb3MtY29tcA']);
    loadBrokerConfig(config.properties);
    return undefined;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return /quorum/i.test(message) ? `broker-ts does not run a three-node quorum yet (${message.replace(/^Invalid value \S+ for configuration /, '')})` : undefined;
  }
}

/** Removes what an earlier run of this test left when it was killed (its project names its process). */
async function sweepEarlierProjects(): Promise<void> {
  const { docker } = await dockerEngine();
  const containers = await docker.listContainers({ all: true, filters: { label: ['com.docker.compose.project'] } });
  const projects = new Set(containers.map((c) => c.Labels['com.docker.compose.project']!).filter((p) => p.startsWith(PROJECT_PREFIX)));
  for (const project of projects) {
    const [pid, start] = project.slice(PROJECT_PREFIX.length).split('-').map(Number);
    if (!isSameProcess(pid!, start!)) await removeLabelled(docker, 'com.docker.compose.project', project);
  }
}

function environment(file: string, env: Record<string, string>): DockerComposeEnvironment {
  return new DockerComposeEnvironment(COMPOSE_DIR, file)
    .withProjectName(`${PROJECT_PREFIX}${process.pid}-${processStartTime(process.pid) ?? 0}`)
    .withEnvironment(env)
    .withClientOptions(tool.standalone ? { executable: { standalone: true } } : {})
    // Up means each server says it started; the test then waits for three registered brokers.
    .withDefaultWaitStrategy(Wait.forLogMessage(/Kafka Server started|broker-ts.*listening|Starting Toxiproxy HTTP server/))
    .withStartupTimeout(180_000);
}

function refused(address: string): Promise<boolean> {
  const [host, port] = address.split(':') as [string, string];
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      // A disabled toxiproxy proxy does not listen; an enabled one keeps the connection.
      setTimeout(() => (resolve(socket.destroyed), socket.destroy()), 300);
    });
    socket.once('error', () => resolve(true));
    socket.once('timeout', () => (socket.destroy(), resolve(true)));
  });
}

/** Waits for all three nodes, then produces through the client proxies and reads the message back. */
async function produceAndConsume(topic: string): Promise<string[]> {
  const kafka = kafkaClient('compose-test', BOOTSTRAP, { retry: { retries: 10 } });
  const admin = kafka.admin();
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await admin.connect();
      if ((await admin.describeCluster()).brokers.length === 3) break;
    } catch {
      await admin.disconnect().catch(() => {});
    }
    if (Date.now() > deadline) throw new Error('the compose cluster did not list three brokers within 120 s');
    await new Promise((r) => setTimeout(r, 500));
  }
  const { brokers } = await admin.describeCluster();
  expect(brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual(BOOTSTRAP);
  // Not kafkajs's wait for leaders: it gives up on UNKNOWN_TOPIC_OR_PARTITION from a node that has
  // not applied the new topic yet (each KRaft broker does so on its own time); the producer retries.
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 3 }], waitForLeaders: false });
  await admin.disconnect();

  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ value: 'through compose' }] });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `g-${Date.now()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value!.toString());
        resolve();
      },
    });
  });
  await consumer.disconnect();
  return seen;
}

describe.skipIf(skipReason !== undefined)(`compose files${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const images: Record<string, string> = {};

  beforeAll(async () => {
    await sweepEarlierProjects();
    const engine = await dockerEngine();
    const source = testImageSource();
    const names = imageNames(source);
    const kafka = await provisionKafka();
    if (source === 'local') await ensureLocalImages(engine, { kafka, toxiproxy: true, node: true });
    else await Promise.all([names.kafka(kafka.version), names.toxiproxy, names.nodeBase].map((i) => pullIfMissing(engine, i)));
    Object.assign(images, { KAFKA_IMAGE: names.kafka(kafka.version), TOXIPROXY_IMAGE: names.toxiproxy, NODE_IMAGE: names.nodeBase });
  });

  describe('kafka.yml', () => {
    let started: StartedDockerComposeEnvironment | undefined;
    afterAll(async () => {
      await started?.down({ removeVolumes: true, timeout: 5000 });
    });

    it('starts three Kafka nodes behind toxiproxy that kafkajs on this machine produces to and consumes from', async () => {
      started = await environment('kafka.yml', images).up();
      expect(await produceAndConsume('compose-kafka')).toEqual(['through compose']);

      // Every client connection crosses toxiproxy: disabling node 1's client proxy closes its port.
      const toxiproxy = new Toxiproxy('http://127.0.0.1:61474');
      const proxy = await toxiproxy.get('n1-client');
      await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
      expect(await refused(BOOTSTRAP[0]!)).toBe(true);
      await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
      expect(await refused(BOOTSTRAP[0]!)).toBe(false);
    }, 240_000);
  });

  describe('broker-ts.yml', () => {
    const notYet = brokerTsBuildable();
    const noQuorumYet = notYet ?? brokerTsRejectsQuorum();
    let started: StartedDockerComposeEnvironment | undefined;
    afterAll(async () => {
      await started?.down({ removeVolumes: true, timeout: 5000 });
    });

    it('is a valid compose file laid out like kafka.yml', () => {
      const args = tool.standalone ? ['-f', 'broker-ts.yml', 'config'] : ['compose', '-f', 'broker-ts.yml', 'config'];
      const config = spawnSync(tool.standalone ? 'docker-compose' : 'docker', args, { cwd: COMPOSE_DIR, encoding: 'utf8', env: { ...process.env, ...images } });
      expect(config.status, config.stderr).toBe(0);
      for (const n of [1, 2, 3]) expect(config.stdout).toContain(`node-${n}.properties:/kafka-chaos/server.properties`);
      expect(config.stdout).toContain('dockerfile: broker-ts/Dockerfile');
    });

    it.skipIf(notYet !== undefined)(`builds broker-ts's image from broker-ts/Dockerfile${notYet ? ` (skipped: ${notYet})` : ''}`, () => {
      const args = tool.standalone ? ['-f', 'broker-ts.yml', 'build', 'node-1'] : ['compose', '-f', 'broker-ts.yml', 'build', 'node-1'];
      const build = spawnSync(tool.standalone ? 'docker-compose' : 'docker', args, { cwd: COMPOSE_DIR, encoding: 'utf8', env: { ...process.env, ...images, DOCKER_BUILDKIT: '0' } });
      expect(build.status, `${build.stdout}\n${build.stderr}`.slice(-3000)).toBe(0);
    }, 300_000);

    it.skipIf(noQuorumYet !== undefined)(`starts three broker-ts nodes that kafkajs produces to and consumes from${noQuorumYet ? ` (skipped: ${noQuorumYet})` : ''}`, async () => {
      started = await environment('broker-ts.yml', images).withBuild().up();
      expect(await produceAndConsume('compose-broker-ts')).toEqual(['through compose']);
    }, 300_000);
  });
});
