// Ports someone else holds: skipped when the harness picks ports; taken between the pick and the
// node's start, the node moves to other ports; and when no other port is left, a clear error with
// the broker's own words. KAFKA_CHAOS_PORT_RANGE confines the harness to a few ports, so that the
// test can hold the ones it did not take.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HarnessError } from '../../errors.js';
import { provisionKafka } from '../../provision/kafka.js';
import type { Cluster } from '../cluster.js';
import { startCluster } from '../start-cluster.js';

const logDir = mkdtempSync(join(tmpdir(), 'kafka-chaos-port-conflict-'));
const held: Server[] = [];

beforeAll(async () => {
  await provisionKafka();
});
afterEach(async () => {
  await Promise.all(held.splice(0).map((s) => new Promise((r) => s.close(r))));
  delete process.env.KAFKA_CHAOS_PORT_RANGE;
});
afterAll(() => rmSync(logDir, { recursive: true, force: true }));

/** Local ports of this host's TCP sockets, only those listening or all, read from /proc (looking must not take them). */
function localPorts(onlyListening: boolean): Set<number> {
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        if (fields.length > 3 && (!onlyListening || fields[3] === '0A')) ports.add(parseInt(fields[1]!.split(':')[1]!, 16));
      }
    } catch {
      /* no IPv6 */
    }
  }
  return ports;
}

const listening = () => localPorts(true);

/** A block of `size` ports no socket uses, below the ephemeral range as the harness's own picks are. */
function freeBlock(size: number): number[] {
  const taken = localPorts(false);
  for (;;) {
    const low = 20_000 + Math.floor(Math.random() * 10_000);
    const block = Array.from({ length: size }, (_, i) => low + i);
    if (block.every((p) => !taken.has(p))) return block;
  }
}

function hold(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // Connections it accepts (toxiproxy dialling its upstream) are dropped at once: a server with
    // open connections never finishes closing, and the test would wait on it for ever.
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => {
      held.push(server);
      resolve();
    });
  });
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One Kafka node uses 8 ports: toxiproxy's API, 3 proxies, and its 4 listeners. */
async function holdTheNodesPortsOnceProxiesListen(block: number[]): Promise<void> {
  await until(() => block.filter((p) => listening().has(p)).length === 4, 60_000);
  for (const port of block.filter((p) => !listening().has(p))) await hold(port);
}

function nodePorts(cluster: Cluster): number[] {
  const node = cluster.node(1);
  return [node.clientAddress, node.harnessAddress, ...Object.values(node.listeners)].map((a) => Number(a.split(':')[1]));
}

describe('ports someone else holds', () => {
  it('are skipped when the harness picks ports', async () => {
    const block = freeBlock(12);
    process.env.KAFKA_CHAOS_PORT_RANGE = `${block[0]}-${block.at(-1)}`;
    const taken = block.filter((_, i) => i % 3 === 0);
    for (const port of taken) await hold(port);
    const cluster = await startCluster({ broker: 'kafka', nodes: 1, logDir: join(logDir, 'skipped') });
    try {
      expect(nodePorts(cluster).some((p) => taken.includes(p))).toBe(false);
      expect(nodePorts(cluster).every((p) => block.includes(p))).toBe(true);
    } finally {
      await cluster.close();
    }
  }, 180_000);

  it('taken between the pick and the start: the node moves to other ports and the cluster comes up', async () => {
    const block = freeBlock(12);
    process.env.KAFKA_CHAOS_PORT_RANGE = `${block[0]}-${block.at(-1)}`;
    const dir = join(logDir, 'moved');
    const starting = startCluster({ broker: 'kafka', nodes: 1, logDir: dir });
    await holdTheNodesPortsOnceProxiesListen(block);
    // Once the node has failed to bind, let the ports go: the spare ones are free for its move.
    await until(() => {
      try {
        return /Address already in use/.test(readFileSync(join(dir, 'node-1', 'server.log'), 'utf8'));
      } catch {
        return false;
      }
    }, 60_000);
    await Promise.all(held.splice(0).map((s) => new Promise((r) => s.close(r))));
    const cluster = await starting;
    try {
      expect(cluster.node(1).state).toBe('running');
      expect(nodePorts(cluster).every((p) => block.includes(p))).toBe(true);
    } finally {
      await cluster.close();
    }
  }, 180_000);

  it('with no other port left: a clear error with the tail of the broker log', async () => {
    const block = freeBlock(8);
    process.env.KAFKA_CHAOS_PORT_RANGE = `${block[0]}-${block.at(-1)}`;
    const starting = startCluster({ broker: 'kafka', nodes: 1, logDir: join(logDir, 'stuck') }).catch((e: unknown) => e);
    await holdTheNodesPortsOnceProxiesListen(block);
    const error = await starting;
    expect(error).toBeInstanceOf(HarnessError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /kafka node 1 could not bind one of its ports \(someone else took it\) and no other port is free: no free port left in KAFKA_CHAOS_PORT_RANGE/,
    );
    expect(message).toMatch(/The node said: .*Address already in use/);
    expect(message).toMatch(/Last lines of .*server\.log:/);
  }, 180_000);
});
