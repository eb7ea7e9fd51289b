import { findCoordinator } from '../clients/coordinator.js';
import { describeQuorum } from '../clients/quorum.js';
import { HarnessError } from '../errors.js';
import type { FaultContext } from './fault.js';

/**
 * Whom a step hits, resolved when the step runs (leadership moves during a run):
 *   leader, followers, follower   of the step's partition of the workload topic
 *   successor                      the follower elected if the leader goes: both brokers elect the
 *                                  first replica, in assignment order, that is in the ISR
 *   isr, replicas                  that partition's in-sync replicas (leader included), or all its replicas
 *   controller                     the active controller (leader of the metadata quorum)
 *   txn-coordinator                the transaction coordinator of the pipeline's first worker
 *   group-coordinator              the coordinator of the experiment's consumer group or pipeline
 *   all, random                    of the cluster's nodes
 *   node:2 or node:1,3             fixed node ids
 *   @name                          the nodes an earlier step with `name: name` hit
 */
export const TARGET_PATTERN =
  /^(leader|followers|follower|successor|isr|replicas|controller|txn-coordinator|group-coordinator|all|random|node:\d+(,\d+)*|@[A-Za-z0-9_-]+)$/;
export const TARGET_HELP =
  'leader, followers, follower, successor, isr, replicas, controller, txn-coordinator, group-coordinator, all, random, node:<id>[,<id>...] or @<name of an earlier step>';

export async function resolveTargets(ctx: FaultContext, target: string, partition: number, named: ReadonlyMap<string, number[]>): Promise<number[]> {
  if (target.startsWith('@')) {
    const nodes = named.get(target.slice(1));
    if (!nodes) throw new HarnessError(`target ${target}: no earlier step is named "${target.slice(1)}"`);
    return nodes;
  }
  if (target.startsWith('node:')) {
    const ids = target.slice(5).split(',').map(Number);
    for (const id of ids) ctx.cluster.node(id);
    return ids;
  }
  const all = ctx.cluster.nodeIds();
  if (target === 'all') return all;
  if (target === 'random') return [ctx.random.pick(all)];
  if (target === 'controller') return [(await describeQuorum(ctx.cluster)).leaderId];
  if (target === 'txn-coordinator') {
    if (!ctx.workloads.pipeline) throw new HarnessError('target txn-coordinator: this experiment has no pipeline');
    return [await findCoordinator(ctx.cluster, 'transaction', ctx.workloads.pipeline.transactionalId(0))];
  }
  if (target === 'group-coordinator') {
    const group = ctx.workloads.pipeline?.groupId ?? ctx.workloads.consumers?.groupId;
    if (!group) throw new HarnessError('target group-coordinator: this experiment has no consumer group or pipeline');
    return [await findCoordinator(ctx.cluster, 'group', group)];
  }
  const state = await ctx.observer.partition(ctx.topic, partition);
  if (state.leader < 0) throw new HarnessError(`target ${target}: partition ${ctx.topic}-${partition} has no leader now`);
  if (target === 'leader') return [state.leader];
  if (target === 'isr') return state.isr;
  if (target === 'replicas') return state.replicas;
  if (target === 'successor') {
    const next = state.replicas.find((r) => r !== state.leader && state.isr.includes(r));
    if (next === undefined)
      throw new HarnessError(`target successor: partition ${ctx.topic}-${partition} has no follower in its ISR (${state.isr.join(', ')})`);
    return [next];
  }
  const followers = state.replicas.filter((r) => r !== state.leader);
  if (followers.length === 0) throw new HarnessError(`target ${target}: partition ${ctx.topic}-${partition} has no followers`);
  if (target === 'followers') return followers;
  return [ctx.random.pick(followers)];
}
