import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient } from '../../clients/kafkajs.js';
import { ClusterObserver } from '../../clients/observer.js';
import { startCluster } from '../start-cluster.js';
import { supervisor } from '../supervisor.js';
import type { NodeCluster } from '../node-cluster.js';
import type { DockerNodeDriver } from './docker-node-driver.js';
import { dockerEngine } from './engine.js';
import { LABEL } from './labels.js';
import { dockerSuiteName, labelled, noDockerReason, testImageSource } from './test-support.js';

const logDir = mkdtempSync(join(tmpdir(), 'kafka-chaos-docker-cluster-test-'));
let cluster: NodeCluster<DockerNodeDriver>;
let observer: ClusterObserver;

function canConnect(address: string): Promise<boolean> {
  const [host, port] = address.split(':') as [string, string];
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      // toxiproxy accepts and then closes when its upstream is gone; wait a moment for that.
      setTimeout(() => {
        resolve(!socket.destroyed);
        socket.destroy();
      }, 300);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** Whether the node answers a Kafka request on its harness listener (no proxy in between). */
async function answers(node: number): Promise<boolean> {
  const admin = kafkaClient('docker-test-probe', [cluster.node(node).harnessAddress], {
    connectionTimeout: 1500,
    requestTimeout: 2000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function roundTrip(topic: string, value: string): Promise<string[]> {
  const kafka = kafkaClient('docker-test', cluster.bootstrapServers());
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ value }] });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `g-${Date.now()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value!.toString());
        if (seen.includes(value)) resolve();
      },
    });
  });
  await consumer.disconnect();
  return seen;
}

async function inspect(node: number) {
  const { docker } = await dockerEngine();
  return docker.getContainer(cluster.node(node).container!).inspect();
}

/** The container that holds a node's network interface. */
async function inspectSandbox(node: number) {
  const { docker } = await dockerEngine();
  return docker.getContainer(`${cluster.node(node).container!}-net`).inspect();
}

describe.skipIf(noDockerReason !== undefined)(dockerSuiteName('docker runtime on real Apache Kafka'), () => {
  beforeAll(async () => {
    cluster = (await startCluster({ broker: 'kafka', nodes: 3, runtime: 'docker', images: testImageSource(), logDir })) as NodeCluster<DockerNodeDriver>;
    observer = new ClusterObserver(cluster);
  });

  afterAll(async () => {
    await observer?.close();
    const name = cluster?.driver.name;
    await cluster?.close();
    if (name) expect(await labelled(LABEL.cluster, name)).toEqual({ containers: [], networks: [] });
    rmSync(logDir, { recursive: true, force: true });
  });

  it('runs every node and toxiproxy in a labelled container on its own internal network, publishing nothing', async () => {
    expect(cluster.runtime).toBe('docker');
    const { containers, networks } = await labelled(LABEL.cluster, cluster.driver.name);
    const nodes = cluster.nodeIds().map((id) => `${cluster.driver.name}-node-${id}`);
    const sandboxes = nodes.map((n) => `${n}-net`);
    expect(containers.sort()).toEqual([...nodes, ...sandboxes, `${cluster.driver.name}-toxiproxy`].sort());
    expect(networks).toEqual([cluster.driver.networkName]);
    const { docker } = await dockerEngine();
    const network = await docker.getNetwork(cluster.driver.networkName).inspect();
    expect(network.Internal).toBe(true);
    expect(network.Labels?.[LABEL.run]).toBe(supervisor().runId);
    for (const name of containers) {
      const info = await docker.getContainer(name).inspect();
      expect(info.Config.Labels[LABEL.run]).toBe(supervisor().runId);
      expect(info.Config.Labels[LABEL.harnessPid]).toBe(String(process.pid));
      expect(Object.values(info.HostConfig.PortBindings ?? {}).flat()).toEqual([]);
      if (nodes.includes(name)) {
        // A node lives in its sandbox's network namespace, which alone is on the network.
        const sandbox = await docker.getContainer(`${name}-net`).inspect();
        expect(info.HostConfig.NetworkMode).toBe(`container:${sandbox.Id}`);
      } else {
        expect(Object.keys(info.NetworkSettings.Networks)).toEqual([cluster.driver.networkName]);
      }
    }
  });

  it('is ready when Metadata through the proxies lists every node, at the proxy addresses on toxiproxy', async () => {
    expect(cluster.timings.startupMs).toBeGreaterThan(0);
    const admin = kafkaClient('docker-test', cluster.bootstrapServers()).admin();
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    await admin.disconnect();
    expect(brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
    expect(brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual([...cluster.bootstrapServers()].sort());
    const toxiproxyHost = new URL(cluster.toxiproxy.url).hostname;
    expect(cluster.bootstrapServers().every((s) => s.startsWith(`${toxiproxyHost}:`))).toBe(true);
    for (const id of cluster.nodeIds()) {
      const props = readFileSync(join(logDir, `node-${id}`, 'server.properties'), 'utf8');
      expect(props).toContain(`CLIENT://${cluster.node(id).clientAddress}`);
      expect(props).toContain(`HARNESS://${cluster.node(id).harnessAddress}`);
      expect(existsSync(join(logDir, `node-${id}`, 'server.log'))).toBe(true);
    }
  });

  it('produces and consumes through the client proxies; cutting a proxy stops that traffic only', async () => {
    await observer.createTopic('roundtrip', 1, 3, {});
    expect(await roundTrip('roundtrip', 'hello')).toEqual(['hello']);
    const node = cluster.node(2);
    expect(await canConnect(node.clientAddress)).toBe(true);
    await cluster.toxiproxy.setEnabled(node.proxies.client[0]!, false);
    expect(await canConnect(node.clientAddress)).toBe(false);
    expect(await canConnect(node.harnessAddress)).toBe(true);
    await cluster.toxiproxy.setEnabled(node.proxies.client[0]!, true);
    expect(await canConnect(node.clientAddress)).toBe(true);
  });

  it('pauses a node with the cgroup freezer: it stops answering until unpaused', async () => {
    await cluster.pause(3);
    expect(cluster.node(3).state).toBe('paused');
    expect((await inspect(3)).State.Paused).toBe(true);
    expect(await answers(3)).toBe(false);
    await cluster.resume(3);
    expect(cluster.node(3).state).toBe('running');
    expect((await inspect(3)).State.Paused).toBe(false);
    expect(await answers(3)).toBe(true);
  });

  it('kills the leader with SIGKILL: leadership moves; a start on the same data rejoins the ISR', async () => {
    await observer.createTopic('failover', 1, 3, {});
    await roundTrip('failover', 'before');
    const leader = await observer.leaderOf('failover', 0);
    await cluster.kill(leader);
    expect(cluster.node(leader).state).toBe('killed');
    expect(cluster.node(leader).pid).toBeUndefined();
    const killed = await inspect(leader);
    expect(killed.State.Running).toBe(false);
    expect(killed.State.ExitCode).toBe(137);
    // A dead process on a live host: its ports refuse at once, they do not swallow connections.
    const refusedWithin = performance.now();
    expect(await canConnect(cluster.node(leader).harnessAddress)).toBe(false);
    expect(performance.now() - refusedWithin).toBeLessThan(1000);
    await observer.waitFor(
      async () => {
        const now = await observer.leaderOf('failover', 0);
        return now >= 0 && now !== leader;
      },
      30_000,
      'a new leader',
    );
    await cluster.start(leader);
    expect(cluster.node(leader).state).toBe('running');
    expect(await observer.waitHealthy('failover', 60_000)).toBe(true);
    expect(await roundTrip('failover', 'after')).toEqual(['before', 'after']);
  });

  it('kills a paused node too (as the wipe fault does) and starts it again', async () => {
    await cluster.pause(1);
    await cluster.kill(1);
    expect(cluster.node(1).state).toBe('killed');
    expect((await inspect(1)).State.Running).toBe(false);
    expect(await answers(1)).toBe(false);
    await cluster.start(1);
    await observer.waitFor(() => answers(1), 60_000, 'node 1 to answer again');
  });

  it('stops a node gracefully, wipes its data, and starts it again empty: it formats and catches up', async () => {
    await cluster.stop(2);
    expect(cluster.node(2).state).toBe('stopped');
    const stopped = await inspect(2);
    expect(stopped.State.Running).toBe(false);
    expect(stopped.State.ExitCode).not.toBe(137);
    const formatsBefore = readFileSync(join(logDir, 'node-2', 'format.log'), 'utf8').split('Formatting').length;
    await cluster.wipe(2);
    await cluster.start(2);
    await observer.waitFor(async () => (await observer.brokerIds()).length === 3, 60_000, 'node 2 to re-register');
    // The start script formatted the emptied data dir once more.
    expect(readFileSync(join(logDir, 'node-2', 'format.log'), 'utf8').split('Formatting').length).toBe(formatsBefore + 1);
    expect(await observer.waitHealthy('failover', 60_000)).toBe(true);
  });

  it('disconnects a node from the network: nobody reaches it, it drops out; reconnected at the same address, it returns', async () => {
    const address = cluster.node(3).harnessAddress;
    await cluster.driver.disconnect(3);
    expect(cluster.driver.isDisconnected(3)).toBe(true);
    expect(Object.keys((await inspectSandbox(3)).NetworkSettings.Networks)).toEqual([]);
    expect((await inspect(3)).State.Running).toBe(true);
    expect(await canConnect(address)).toBe(false);
    // The others fence it once its broker session times out.
    await observer.waitFor(async () => !(await observer.brokerIds()).includes(3), 60_000, 'node 3 to be fenced');
    await cluster.driver.reconnect(3);
    expect(cluster.driver.isDisconnected(3)).toBe(false);
    expect(cluster.node(3).harnessAddress).toBe(address);
    expect((await inspectSandbox(3)).NetworkSettings.Networks[cluster.driver.networkName]?.IPAddress).toBe(address.split(':')[0]);
    expect(await canConnect(address)).toBe(true);
    await observer.waitFor(async () => (await observer.brokerIds()).length === 3, 60_000, 'node 3 to return');
    expect(await observer.waitHealthy('failover', 60_000)).toBe(true);
  });
});
