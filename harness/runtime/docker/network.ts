import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import type Dockerode from 'dockerode';
import { HarnessError, errorMessage } from '../../errors.js';

/**
 * Each cluster gets its own bridge network with a /24 subnet chosen here, so that every container
 * has a fixed address: nodes advertise addresses that must stay true across restarts and
 * reconnections. The network is internal: containers reach each other and the host reaches them
 * (Linux routes a bridge's subnet to the host), but nothing in it reaches or is reached from
 * elsewhere, and no port is published on any host interface.
 */
export interface RunNetwork {
  id: string;
  name: string;
  /** e.g. 10.213.45.0/24 */
  subnet: string;
  /** The address `.host` in the subnet, e.g. address(2) = 10.213.45.2. */
  address(host: number): string;
}

/** Where subnets are taken from; override when 10.213.0.0/16 is in use on your network. */
const DEFAULT_POOL = '10.213.0.0/16';

interface Range {
  start: number;
  end: number;
}

function parseIp(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function parseCidr(cidr: string): Range {
  const [ip, bits] = cidr.split('/');
  const prefix = Number(bits ?? 32);
  if (!ip || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`not a CIDR range: ${cidr}`);
  const size = 2 ** (32 - prefix);
  const start = Math.floor(parseIp(ip) / size) * size;
  return { start, end: start + size - 1 };
}

const overlaps = (a: Range, b: Range) => a.start <= b.end && b.start <= a.end;

/** Ranges this host already routes or owns: a subnet overlapping one would hijack or lose traffic. */
function hostRanges(): Range[] {
  const ranges: Range[] = [];
  try {
    for (const line of readFileSync('/proc/net/route', 'utf8').trim().split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // Destination and Mask are little-endian hex.
      const dest = Buffer.from(f[1]!, 'hex').readUInt32LE(0);
      const mask = Buffer.from(f[7]!, 'hex').readUInt32LE(0);
      if (mask === 0) continue; // the default route covers everything and is no conflict
      ranges.push({ start: dest, end: (dest | (~mask >>> 0)) >>> 0 });
    }
  } catch {
    /* not Linux: only the interface addresses below */
  }
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && a.cidr) ranges.push(parseCidr(a.cidr));
  }
  return ranges;
}

async function engineRanges(docker: Dockerode): Promise<Range[]> {
  const networks = await docker.listNetworks();
  return networks.flatMap((n) => (n.IPAM?.Config ?? []).flatMap((c) => (c.Subnet && !c.Subnet.includes(':') ? [parseCidr(c.Subnet)] : [])));
}

function candidateSubnets(pool: Range, taken: Range[]): string[] {
  const free: string[] = [];
  for (let start = pool.start; start + 255 <= pool.end; start += 256) {
    const range = { start, end: start + 255 };
    if (!taken.some((t) => overlaps(t, range))) free.push(`${formatIp(start)}/24`);
  }
  // Random order: concurrent harnesses rarely try the same subnet first.
  for (let i = free.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [free[i], free[j]] = [free[j]!, free[i]!];
  }
  return free;
}

export async function createRunNetwork(docker: Dockerode, name: string, labels: Record<string, string>): Promise<RunNetwork> {
  const poolText = process.env.KAFKA_CHAOS_DOCKER_SUBNETS ?? DEFAULT_POOL;
  let pool: Range;
  try {
    pool = parseCidr(poolText);
  } catch (err) {
    throw new HarnessError(`KAFKA_CHAOS_DOCKER_SUBNETS=${poolText}: ${errorMessage(err)}`);
  }
  const candidates = candidateSubnets(pool, [...hostRanges(), ...(await engineRanges(docker))]);
  let lastError = 'no /24 in the pool is free';
  for (const subnet of candidates.slice(0, 10)) {
    try {
      const network = await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        Internal: true,
        CheckDuplicate: true,
        Labels: labels,
        IPAM: { Driver: 'default', Config: [{ Subnet: subnet }] },
      });
      const base = parseCidr(subnet).start;
      return { id: network.id, name, subnet, address: (host) => formatIp(base + host) };
    } catch (err) {
      // Another network took the subnet since we looked: try the next one.
      lastError = errorMessage(err);
      if (!/overlap|pool/i.test(lastError)) throw err;
    }
  }
  throw new HarnessError(
    `could not create a Docker network in ${poolText} (${lastError}); set KAFKA_CHAOS_DOCKER_SUBNETS to a free range such as 10.214.0.0/16`,
  );
}
