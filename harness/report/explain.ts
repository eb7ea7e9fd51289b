import type { LostMessage } from '../checker/queue-checker.js';
import type { FaultRecord } from '../nemesis/schedule.js';
import type { LeaderChange } from './timeline.js';

/** A lost message with the evidence that explains it. */
export interface ExplainedLoss extends LostMessage {
  /** Leader of the partition when the acknowledgement arrived, as last observed. */
  ackedBy: number | undefined;
  /** Faults in force at that moment. */
  faultsInForce: string[];
  /** Faults that began within two seconds after it: it may not have been copied yet. */
  faultsSoonAfter: string[];
  /** The first leader change after the acknowledgement: the node whose log replaced it. */
  nextLeader: { time: number; leader: number; epoch: number; isr: number[] } | undefined;
  /** Nodes whose power cut dropped the message's bytes from their disk (never fsynced there). */
  droppedByPowerCut: number[];
  explanation: string;
}

export function describeFault(f: FaultRecord): string {
  const params = Object.entries(f.params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
  return `${f.fault}${params ? ` (${params})` : ''} of node ${f.nodes.join(',')}`;
}

/** How soon after an acknowledgement a fault still counts as part of its story. */
const SOON_MS = 2000;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const epochText = (epoch: number) => (epoch >= 0 ? ` in leader epoch ${epoch}` : '');

export function explainLosses(lost: LostMessage[], leaders: LeaderChange[], faults: FaultRecord[]): ExplainedLoss[] {
  const byPartition = new Map<number, LeaderChange[]>();
  for (const l of leaders) byPartition.set(l.partition, [...(byPartition.get(l.partition) ?? []), l]);
  // Which nodes' power cuts dropped each message: the unsynced bytes that held it.
  const droppedBy = new Map<string, Set<number>>();
  for (const f of faults) {
    for (const d of f.droppedRecords ?? []) {
      for (const id of d.ids) {
        const key = `${d.partition}:${id}`;
        droppedBy.set(key, (droppedBy.get(key) ?? new Set()).add(d.node));
      }
    }
  }
  const powerCuts = faults.some((f) => f.droppedRecords !== undefined);
  return lost.map((m) => {
    const cutFrom = [...(droppedBy.get(`${m.partition}:${m.id}`) ?? [])].sort((a, b) => a - b);
    const changes = byPartition.get(m.partition) ?? [];
    let current: LeaderChange | undefined;
    let next: LeaderChange | undefined;
    let wentOffline: LeaderChange | undefined;
    for (const c of changes) {
      if (c.time <= m.ackTime) current = c;
      else if (c.leader < 0) wentOffline ??= c;
      else if (c.leader !== current?.leader) {
        next = c;
        break;
      }
    }
    const inForce = faults.filter((f) => f.injectedAt !== undefined && f.injectedAt <= m.ackTime && (f.healedAt === undefined || f.healedAt > m.ackTime));
    // A write acknowledged just before a fault may not have been copied yet when it struck.
    const justAfter = faults.filter((f) => f.injectedAt !== undefined && f.injectedAt > m.ackTime && f.injectedAt - m.ackTime <= SOON_MS);
    const parts = [
      `acknowledged at ${seconds(m.ackTime)}${m.offset !== undefined ? ` at offset ${m.offset}` : ''}` +
        (current ? ` while node ${current.leader} led partition ${m.partition}${epochText(current.epoch)} (ISR ${current.isr.join(',')})` : ''),
      [
        inForce.length ? `during ${inForce.map(describeFault).join('; ')}` : 'with no fault in force',
        ...justAfter.map((f) => `${(f.injectedAt! - m.ackTime).toFixed(0)} ms before ${describeFault(f)}`),
      ].join(', '),
      (wentOffline ? `the partition went offline at ${seconds(wentOffline.time)}; ` : '') +
        (next
          ? `node ${next.leader} took over at ${seconds(next.time)}${epochText(next.epoch)} (ISR ${next.isr.join(',')}) without it`
          : 'no later leader change was observed'),
      m.overwrittenBy !== undefined ? `offset ${m.offset} now holds message ${m.overwrittenBy}` : m.lostWrite ? 'later offsets were read' : 'it was never read',
      ...(powerCuts
        ? [
            cutFrom.length
              ? `its bytes were not fsynced on node ${cutFrom.join(', node ')}, whose power cut dropped them`
              : 'no power cut dropped it from a disk (it was lost otherwise)',
          ]
        : []),
    ];
    return {
      ...m,
      ackedBy: current?.leader,
      faultsInForce: inForce.map(describeFault),
      faultsSoonAfter: justAfter.map(describeFault),
      nextLeader: next ? { time: next.time, leader: next.leader, epoch: next.epoch, isr: next.isr } : undefined,
      droppedByPowerCut: cutFrom,
      explanation: `${parts.join('; ')}.`,
    };
  });
}
