import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kafkaClient } from '../../clients/kafkajs.js';
import { allGone } from '../../testing/processes.js';
import { suiteCluster } from '../../testing/suite-cluster.js';
import { processState } from '../proc.js';

const suite = suiteCluster({ broker: 'kafka', nodes: 3 }, 'cluster-test');
const { logDir } = suite;

function canConnect(address: string): Promise<boolean> {
  const [host, port] = address.split(':') as [string, string];
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      // toxiproxy accepts and then closes when the upstream is gone; wait a moment for that.
      setTimeout(() => {
        resolve(!socket.destroyed);
        socket.destroy();
      }, 300);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

async function roundTrip(topic: string, value: string): Promise<string[]> {
  const kafka = kafkaClient('test', suite.cluster.bootstrapServers());
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

describe('process runtime on real Apache Kafka', () => {
  it('is ready when Metadata through the proxies lists every node, and says how long that took', async () => {
    expect(suite.cluster.timings.startupMs).toBeGreaterThan(0);
    const admin = kafkaClient('test', suite.cluster.bootstrapServers()).admin();
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    await admin.disconnect();
    expect(brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
    // Clients are told the proxy addresses, not the nodes' own ports.
    expect(brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual([...suite.cluster.bootstrapServers()].sort());
  });

  it('advertises every listener at its own proxy and keeps configs and logs with the results', () => {
    for (const id of suite.cluster.nodeIds()) {
      const props = readFileSync(join(logDir, `node-${id}`, 'server.properties'), 'utf8');
      const node = suite.cluster.node(id);
      expect(props).toContain(`CLIENT://${node.clientAddress}`);
      expect(props).toMatch(/inter\.broker\.listener\.name=REPL/);
      expect(props).toMatch(/controller\.quorum\.voters=1@127\.0\.0\.1:\d+,2@127\.0\.0\.1:\d+,3@127\.0\.0\.1:\d+/);
      expect(existsSync(join(logDir, `node-${id}`, 'server.log'))).toBe(true);
    }
    expect(existsSync(join(logDir, 'toxiproxy.log'))).toBe(true);
  });

  it('produces and consumes through the client proxies', async () => {
    await suite.observer.createTopic('roundtrip', 1, 3, {});
    expect(await roundTrip('roundtrip', 'hello')).toEqual(['hello']);
  });

  it('deletes topics, returning once metadata no longer lists them', async () => {
    await suite.observer.createTopic('short-lived-a', 2, 3, {});
    await suite.observer.createTopic('short-lived-b', 1, 3, {});
    await suite.observer.deleteTopics(['short-lived-a', 'short-lived-b']);
    const admin = kafkaClient('test', suite.cluster.bootstrapServers()).admin();
    await admin.connect();
    try {
      const listed = await admin.listTopics();
      expect(listed).not.toContain('short-lived-a');
      expect(listed).not.toContain('short-lived-b');
      expect(listed).toContain('roundtrip');
    } finally {
      await admin.disconnect();
    }
  });

  it('cutting a proxy stops that traffic to the node; healing restores it', async () => {
    const node = suite.cluster.node(2);
    expect(await canConnect(node.clientAddress)).toBe(true);
    expect(node.proxies.client).toEqual(['n2-client']);
    await suite.cluster.toxiproxy.setEnabled(node.proxies.client[0]!, false);
    expect(await canConnect(node.clientAddress)).toBe(false);
    // The node itself is fine: the harness listener, which no fault touches, still answers.
    expect(await canConnect(node.harnessAddress)).toBe(true);
    await suite.cluster.toxiproxy.setEnabled(node.proxies.client[0]!, true);
    expect(await canConnect(node.clientAddress)).toBe(true);
  });

  it("cutting a node's controller traffic both ways gets it fenced; healing brings it back", async () => {
    const proxies = suite.cluster.proxyNames(2, 'controller');
    // Its advertised listener, and one proxy per direction to and from each other node.
    expect([...proxies].sort()).toEqual(['n1-to-n2-controller', 'n2-controller', 'n2-to-n1-controller', 'n2-to-n3-controller', 'n3-to-n2-controller'].sort());
    for (const p of proxies) await suite.cluster.toxiproxy.setEnabled(p, false);
    try {
      await suite.observer.waitFor(async () => !(await suite.observer.brokerIds()).includes(2), 30_000, 'node 2 to be fenced');
    } finally {
      for (const p of proxies) await suite.cluster.toxiproxy.setEnabled(p, true);
    }
    await suite.observer.waitFor(async () => (await suite.observer.brokerIds()).includes(2), 30_000, 'node 2 to be back');
  });

  it('pauses a node with SIGSTOP and resumes it with SIGCONT', async () => {
    const pid = suite.cluster.node(3).pid!;
    await suite.cluster.pause(3);
    expect(processState(pid)).toBe('T');
    expect(suite.cluster.node(3).state).toBe('paused');
    await suite.cluster.resume(3);
    expect(processState(pid)).not.toBe('T');
    expect(suite.cluster.node(3).state).toBe('running');
  });

  it('kill -9 of the leader moves leadership; a restart on the same data rejoins the ISR', async () => {
    await suite.observer.createTopic('failover', 1, 3, {});
    await roundTrip('failover', 'before');
    const leader = await suite.observer.leaderOf('failover', 0);
    const pid = suite.cluster.node(leader).pid!;
    await suite.cluster.kill(leader);
    expect(suite.cluster.node(leader).state).toBe('killed');
    expect(await allGone([pid], 5000)).toBe(true);
    await suite.observer.waitFor(
      async () => {
        const now = await suite.observer.leaderOf('failover', 0);
        return now >= 0 && now !== leader;
      },
      30_000,
      'a new leader',
    );
    await suite.cluster.start(leader);
    expect(suite.cluster.node(leader).state).toBe('running');
    expect(await suite.observer.waitHealthy('failover', 60_000)).toBe(true);
    expect(await roundTrip('failover', 'after')).toEqual(['before', 'after']);
  });

  it('is not called healthy while a node is down, even before the controller notices', async () => {
    await suite.observer.createTopic('down-follower', 1, 3, {});
    const { leader, replicas } = await suite.observer.partition('down-follower', 0);
    const follower = replicas.find((id) => id !== leader)!;
    await suite.cluster.kill(follower);
    try {
      // Until its session expires the controller still lists it, leading nothing but in the ISR.
      expect((await suite.observer.partition('down-follower', 0)).isr).toContain(follower);
      expect(await suite.observer.waitHealthy('down-follower', 1000)).toBe(false);
    } finally {
      // Started again whatever happened: the tests after this one need the whole cluster.
      await suite.cluster.start(follower);
    }
    expect(await suite.observer.waitHealthy('down-follower', 60_000)).toBe(true);
  });

  it('stops a node gracefully and starts it again', async () => {
    await suite.cluster.stop(1);
    expect(suite.cluster.node(1).state).toBe('stopped');
    expect(suite.cluster.node(1).pid).toBeUndefined();
    await suite.cluster.start(1);
    await suite.observer.waitFor(async () => (await suite.observer.brokerIds()).length === 3, 60_000, 'node 1 to re-register');
  });

  it('stops a paused node: it is resumed first, so it shuts down cleanly instead of being killed', async () => {
    const serverLog = join(logDir, 'node-3', 'server.log');
    const logged = readFileSync(serverLog).length;
    await suite.cluster.pause(3);
    const pid = suite.cluster.node(3).pid!;
    await suite.cluster.stop(3);
    expect(suite.cluster.node(3).state).toBe('stopped');
    expect(await allGone([pid], 5000)).toBe(true);
    // Kafka's controlled shutdown ran to its end (its last step, the controller's request
    // handlers); a node killed after the grace period would not have got there.
    const shutdown = readFileSync(serverLog).subarray(logged).toString('utf8');
    expect(shutdown).toMatch(/Terminating process due to signal SIGTERM/);
    expect(shutdown).toMatch(/Request Handler on Controller 3\] shut down completely/);
    await suite.cluster.start(3);
    await suite.observer.waitFor(async () => (await suite.observer.brokerIds()).length === 3, 60_000, 'node 3 to re-register');
  });

  it('a node that died without the harness is refused a kill, and can be started again', async () => {
    const pid = suite.cluster.node(2).pid!;
    process.kill(pid, 'SIGKILL');
    expect(await allGone([pid], 5000)).toBe(true);
    // The harness still believes it runs; the operating system says otherwise.
    expect(suite.cluster.node(2).state).toBe('running');
    expect((await suite.cluster.observeNode(2)).state).toBe('gone');
    await expect(suite.cluster.kill(2)).rejects.toThrow(/node 2 is not running/);
    await suite.cluster.start(2);
    expect(suite.cluster.node(2).pid).not.toBe(pid);
    await suite.observer.waitFor(async () => (await suite.observer.brokerIds()).length === 3, 60_000, 'node 2 to re-register');
    await expect(suite.cluster.start(2)).rejects.toThrow(/node 2 is already running/);
  });
});
