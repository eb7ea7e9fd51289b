import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { HarnessError } from '../errors.js';

const handedOut = new Set<number>();

/** KAFKA_CHAOS_PORT_RANGE=low-high: only these ports (a host whose firewall opens a range). */
function configuredRange(): [number, number] | undefined {
  const text = process.env.KAFKA_CHAOS_PORT_RANGE;
  if (text === undefined || text === '') return undefined;
  const match = /^(\d+)-(\d+)$/.exec(text.trim());
  const [low, high] = match === null ? [0, 0] : [Number(match[1]), Number(match[2])];
  if (match === null || low < 1 || high > 65535 || low > high)
    throw new HarnessError(`KAFKA_CHAOS_PORT_RANGE: expected low-high within 1-65535, got "${text}"`);
  return [low, high];
}

/**
 * Ports are picked below the kernel's ephemeral range: a port from inside it can be taken by any
 * outgoing connection's local end between the moment we check it and the moment a broker binds it.
 */
function candidateRange(): [number, number] {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && low > 12_000) return [10_000, low - 1];
  } catch {
    /* not Linux: fall through */
  }
  return [0, 0];
}

function canBind(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, never handed out twice by one harness
 * process. A port that another program grabs in between shows up as a failed bind, which callers
 * answer by asking again.
 */
export async function freePort(): Promise<number> {
  const configured = configuredRange();
  if (configured !== undefined) {
    const [low, high] = configured;
    const ports = Array.from({ length: high - low + 1 }, (_, i) => low + i).filter((p) => !handedOut.has(p));
    for (let i = ports.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [ports[i], ports[j]] = [ports[j]!, ports[i]!];
    }
    for (const port of ports) {
      if ((await canBind(port)) === port) {
        handedOut.add(port);
        return port;
      }
    }
    throw new HarnessError(`no free port left in KAFKA_CHAOS_PORT_RANGE=${low}-${high}: every port of it is in use or already given to this run`);
  }
  const [low, high] = candidateRange();
  for (let attempt = 0; attempt < 200 && high > low; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (handedOut.has(port)) continue;
    if ((await canBind(port)) === port) {
      handedOut.add(port);
      return port;
    }
  }
  for (;;) {
    const port = await canBind(0);
    if (port !== undefined && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

export async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < n; i++) ports.push(await freePort());
  return ports;
}

/**
 * `n` ports the kernel hands out, outside KAFKA_CHAOS_PORT_RANGE and this run's bookkeeping: for
 * a throwaway process (the Kafka class-archive training node) that must not use up the few ports
 * a confined range has for clusters. A port taken in between makes that process fail, so use
 * these only where a failure costs nothing.
 */
export async function throwawayPorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) {
    const port = await canBind(0);
    if (port !== undefined && !handedOut.has(port)) ports.add(port);
  }
  return [...ports];
}
