import { chownSync, cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { fsyncPath } from '../fsync-path.js';
import { readMetadataBatches, readQuorumState } from '../clients/quorum-files.js';
import { FaultNotProven, nodesAre, nodesRestarted, pidsOf } from './evidence.js';
import { defineFault } from './fault.js';
import type { FaultContext } from './fault.js';

interface DirSize {
  files: number;
  bytes: number;
}

function sizeOf(dir: string): DirSize {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return { files, bytes };
}

/** What the node's disk says of the metadata quorum: its epoch, vote and leader, and how long its metadata log is. */
function quorumOnDisk(dataDir: string): string {
  const state = readQuorumState(dataDir);
  const batches = readMetadataBatches(dataDir);
  const end = batches.length > 0 ? batches.at(-1)!.lastOffset + 1 : 0;
  return state
    ? `quorum epoch ${state.epoch} (leader ${state.leaderId}, voted for ${state.votedId}), metadata log end offset ${end}`
    : `no quorum-state, metadata log end offset ${end}`;
}

/** fsync every file and directory under `dir`: the restored copy is what the disk holds, not what a power cut may drop. */
function syncTree(dir: string, owner: { uid: number; gid: number }): void {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    // A container's broker runs as its own user: the copy must stay writable by it.
    chownSync(path, owner.uid, owner.gid);
    if (entry.isFile() || entry.isDirectory()) fsyncPath(path);
  }
  fsyncPath(dir);
}

const describeSize = ({ files, bytes }: DirSize) => `${files} files, ${bytes.toLocaleString('en-US')} bytes`;

/** Copies a node's data dir while the process is frozen: one point in time, as a VM snapshot is. */
async function snapshot(ctx: FaultContext, node: number, into: string): Promise<string[]> {
  const wasRunning = ctx.cluster.node(node).state === 'running';
  if (wasRunning) await ctx.cluster.pause(node);
  const evidence = wasRunning ? await nodesAre(ctx, [node], 'paused') : [];
  try {
    const dataDir = ctx.cluster.dataDir(node);
    rmSync(into, { recursive: true, force: true });
    cpSync(dataDir, into, { recursive: true });
    evidence.push(`node ${node}: data dir copied (${describeSize(sizeOf(into))}; ${quorumOnDisk(into)})`);
  } finally {
    if (wasRunning) await ctx.cluster.resume(node);
  }
  if (wasRunning) evidence.push(...(await nodesAre(ctx, [node], 'running')));
  return evidence;
}

/** Kills the node, puts the copy in place of its data dir and starts it on it. */
async function restore(ctx: FaultContext, nodes: readonly number[], copies: ReadonlyMap<number, string>): Promise<string[]> {
  const before = await pidsOf(ctx, nodes);
  // Every target goes down before any comes back: a majority restored at once forgets together.
  for (const n of nodes) {
    const { state } = ctx.cluster.node(n);
    if (state === 'running' || state === 'paused') await ctx.cluster.kill(n);
  }
  const evidence = await nodesAre(ctx, nodes, 'gone');
  for (const n of nodes) {
    const dataDir = ctx.cluster.dataDir(n);
    const copy = copies.get(n)!;
    const forgotten = `${describeSize(sizeOf(dataDir))}; ${quorumOnDisk(dataDir)}`;
    // The entries, not the dir: it may be a mount point (the unsynced filesystem).
    for (const entry of readdirSync(dataDir)) rmSync(join(dataDir, entry), { recursive: true, force: true });
    cpSync(copy, dataDir, { recursive: true });
    const { uid, gid } = statSync(dataDir);
    syncTree(dataDir, { uid, gid });
    rmSync(copy, { recursive: true, force: true });
    const now = `${describeSize(sizeOf(dataDir))}; ${quorumOnDisk(dataDir)}`;
    if (now === forgotten) throw new FaultNotProven(`node ${n}: nothing changed on its disk since the copy (${now}), so the rollback forgets nothing`);
    evidence.push(`node ${n}: data dir rolled back: it had ${forgotten}; now ${now}`);
  }
  for (const n of nodes) await ctx.cluster.start(n);
  evidence.push(...(await nodesRestarted(ctx, before)));
  return evidence;
}

/**
 * A node restarted on an earlier copy of its data dir, as after restoring a VM snapshot or a
 * backup: the copy is taken when the step is injected (the process frozen meanwhile, so the copy is
 * one point in time), and when the step heals, the node is killed and started on the copy. Whatever
 * it wrote, voted or learned in between is forgotten. On a controller this tests whether the Raft
 * quorum keeps one leader per epoch and every committed record; Raft assumes no such thing happens.
 */
export const rollback = defineFault({
  name: 'rollback',
  summary: 'copy the target nodes\u2019 data dirs now; heal kills them and starts them on the copies, forgetting everything since',
  params: z.object({}).strict(),
  check(_params, experiment) {
    if (experiment.cluster.nodes < 2) return 'a rollback needs other nodes that remember what the rolled-back one forgets (cluster.nodes >= 2)';
    return undefined;
  },
  async inject(ctx, nodes) {
    const copies = new Map<number, string>();
    const evidence: string[] = [];
    for (const n of nodes) {
      const into = join(ctx.cluster.logDir, `rollback-copy-node-${n}-${Date.now()}`);
      evidence.push(...(await snapshot(ctx, n, into)));
      copies.set(n, into);
    }
    return { evidence, heal: () => restore(ctx, nodes, copies) };
  },
});
