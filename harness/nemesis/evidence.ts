// Proof that a fault struck (and that its heal took), from outside the harness's own bookkeeping:
// the operating system's view of a process, toxiproxy's own listing, a connection attempt. A step
// whose proof fails makes the run an error, since a PASS must not rest on a fault that never hit.
import { connect } from 'node:net';
import type { ObservedNode } from '../runtime/cluster.js';
import { processState } from '../runtime/proc.js';
import type { FaultContext } from './fault.js';
import { pollUntil } from '../wait.js';

/** The fault's effect could not be seen: the step did not strike (or its heal did not take). */
export class FaultNotProven extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultNotProven';
  }
}

/** Waits (up to `timeoutMs`) until every node's process is in `state`; one evidence line per node. */
export async function nodesAre(ctx: FaultContext, nodes: readonly number[], state: ObservedNode['state'], timeoutMs = 10_000): Promise<string[]> {
  const lines: string[] = [];
  for (const n of nodes) {
    let seen = await ctx.cluster.observeNode(n);
    await pollUntil(async () => (seen = await ctx.cluster.observeNode(n)).state === state, { timeoutMs, intervalMs: 50 });
    if (seen.state !== state) throw new FaultNotProven(`node ${n} is ${seen.state} (pid ${seen.pid ?? 'none'}), expected ${state}`);
    lines.push(`node ${n}: pid ${seen.pid ?? 'none'} ${state === 'paused' ? 'paused (state T)' : state}`);
  }
  return lines;
}

/** The current pid of each node, to show later that a restart made a new process. */
export async function pidsOf(ctx: FaultContext, nodes: readonly number[]): Promise<Map<number, number | undefined>> {
  const pids = new Map<number, number | undefined>();
  for (const n of nodes) pids.set(n, (await ctx.cluster.observeNode(n)).pid);
  return pids;
}

/** Every node runs a process other than the one it ran before. */
export async function nodesRestarted(ctx: FaultContext, before: ReadonlyMap<number, number | undefined>): Promise<string[]> {
  const lines = await nodesAre(ctx, [...before.keys()], 'running');
  for (const [n, pid] of before) {
    const now = (await ctx.cluster.observeNode(n)).pid;
    if (pid !== undefined && now === pid) throw new FaultNotProven(`node ${n} still runs pid ${pid}: it was not restarted`);
  }
  return lines.map((line, i) => `${line} (was pid ${[...before.values()][i] ?? 'none'})`);
}

/**
 * Starts the nodes still in `down` state and proves each runs a new process; a node a later step
 * already started again is shown running, or, when its process has ended by itself since (a broker
 * halting on a fatal error), started again with that said.
 */
export async function restartDown(ctx: FaultContext, nodes: readonly number[], down: 'killed' | 'stopped'): Promise<string[]> {
  const toStart = nodes.filter((n) => ctx.cluster.node(n).state === down);
  const already = nodes.filter((n) => !toStart.includes(n));
  const ended: number[] = [];
  for (const n of already) if (ctx.cluster.node(n).state === 'running' && (await ctx.cluster.observeNode(n)).state === 'gone') ended.push(n);
  const before = await pidsOf(ctx, [...toStart, ...ended]);
  const lines = ended.map((n) => `node ${n}: its process had ended by itself (pid ${before.get(n) ?? 'none'}) after a later step started it`);
  for (const n of [...toStart, ...ended]) await ctx.cluster.start(n);
  const running = (
    await nodesAre(
      ctx,
      already.filter((n) => !ended.includes(n)),
      'running',
    )
  ).map((line) => `${line} (started again by a later step)`);
  return [...lines, ...(await nodesRestarted(ctx, before)), ...running];
}

/** A connection to the proxy's listening port is refused (or dropped at once): the cut is real. */
function refused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(true));
    // Accepted: toxiproxy still listens. A disabled proxy closes its listener, so this is no cut.
    socket.once('connect', () => done(false));
  });
}

/** toxiproxy lists each proxy disabled, and its port refuses a connection. */
export async function proxiesCut(ctx: FaultContext, proxies: readonly string[]): Promise<string[]> {
  const host = new URL(ctx.cluster.toxiproxy.url).hostname;
  const lines: string[] = [];
  for (const name of proxies) {
    const proxy = await ctx.cluster.toxiproxy.api.get(name);
    if (proxy.enabled) throw new FaultNotProven(`toxiproxy lists proxy ${name} as enabled`);
    const port = Number(proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1));
    if (!(await refused(host, port))) throw new FaultNotProven(`proxy ${name} is disabled but ${host}:${port} still accepts connections`);
    lines.push(`proxy ${name}: disabled, ${host}:${port} refuses connections`);
  }
  return lines;
}

/** toxiproxy lists each proxy enabled again. */
export async function proxiesEnabled(ctx: FaultContext, proxies: readonly string[]): Promise<string[]> {
  for (const name of proxies) {
    if (!(await ctx.cluster.toxiproxy.api.get(name)).enabled) throw new FaultNotProven(`proxy ${name} is still disabled`);
  }
  return [`${proxies.length} prox${proxies.length === 1 ? 'y' : 'ies'} enabled again`];
}

/** toxiproxy lists the toxic on every proxy (present = true) or on none. */
export async function toxicListed(ctx: FaultContext, proxies: readonly string[], toxic: string, present: boolean): Promise<string[]> {
  const lines: string[] = [];
  for (const name of proxies) {
    const proxy = await ctx.cluster.toxiproxy.api.get(name);
    const listed = await proxy.getToxic(toxic).then(
      (t) => t.name === toxic,
      () => false,
    );
    if (listed !== present) throw new FaultNotProven(`toxiproxy ${present ? 'does not list' : 'still lists'} toxic ${toxic} on proxy ${name}`);
    if (present) lines.push(`proxy ${name}: toxic ${toxic} listed`);
  }
  return present ? lines : [`toxic ${toxic} removed from ${proxies.length} prox${proxies.length === 1 ? 'y' : 'ies'}`];
}

/** A client process (producer, consumer member, pipeline worker) as /proc shows it. */
export async function clientProcessIs(label: string, pid: number | undefined, state: 'gone' | 'paused' | 'running', timeoutMs = 10_000): Promise<string> {
  if (pid === undefined) throw new FaultNotProven(`${label} has no process`);
  const observe = () => {
    const s = processState(pid);
    return s === undefined || s === 'Z' || s === 'X' ? 'gone' : s === 'T' || s === 't' ? 'paused' : 'running';
  };
  await pollUntil(() => observe() === state, { timeoutMs, intervalMs: 50 });
  if (observe() !== state) throw new FaultNotProven(`${label} (pid ${pid}) is ${observe()}, expected ${state}`);
  return `${label}: pid ${pid} ${state === 'paused' ? 'paused (state T)' : state}`;
}

/**
 * A frozen client process woke up after SIGCONT: it runs again, or it has already exited with
 * `exitCodeAfterRunning`, a status it can only reach by running (a fenced pipeline worker exits 3
 * as soon as it hears it was fenced, often within milliseconds of waking). Still stopped, or gone
 * with any other status, is no proof.
 */
export async function clientProcessResumed(
  label: string,
  proc: { pid: number; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> },
  exitCodeAfterRunning: number,
  timeoutMs = 10_000,
): Promise<string> {
  const stopped = () => {
    const s = processState(proc.pid);
    return s === 'T' || s === 't';
  };
  if (!(await pollUntil(() => !stopped(), { timeoutMs, intervalMs: 20 })))
    throw new FaultNotProven(`${label} (pid ${proc.pid}) is still stopped after SIGCONT`);
  const s = processState(proc.pid);
  if (s !== undefined && s !== 'Z' && s !== 'X') return `${label}: pid ${proc.pid} running`;
  const status = await Promise.race([proc.exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs))]);
  if (status?.code !== exitCodeAfterRunning)
    throw new FaultNotProven(`${label} (pid ${proc.pid}) is gone with status ${status ? (status.code ?? status.signal) : 'unknown'}, not running`);
  return `${label}: pid ${proc.pid} resumed, then exited with status ${exitCodeAfterRunning}`;
}
