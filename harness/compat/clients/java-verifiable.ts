import type { ScenarioContext } from '../context.js';
import { runTool, startTool, type ToolRun } from './external-tool.js';
import { kafkaJavaArgs } from './kafka-java.js';

/**
 * Kafka's own VerifiableProducer and VerifiableConsumer (the clients of Kafka's system tests),
 * from the provisioned jars. Both print one JSON object per event on stdout.
 */

export interface VerifiableRecord {
  key: string | null;
  value: string;
  topic: string;
  partition: number;
  offset: number;
}

export interface ProducerOutcome {
  acked: VerifiableRecord[];
  errors: Record<string, unknown>[];
  /** The tool's own summary: `{ sent, acked }`. */
  summary: Record<string, unknown> | undefined;
}

/** Sends `count` records with acks=all (values "0", "1", ...) and reports each acknowledgement. */
export async function verifiableProduce(ctx: ScenarioContext, topic: string, count: number): Promise<ProducerOutcome> {
  const args = await kafkaJavaArgs(ctx, 'org.apache.kafka.tools.VerifiableProducer', ['--topic', topic, '--max-messages', String(count), '--acks', '-1']);
  const run = await runTool(ctx, 'java-verifiable-producer', 'java', args, 90_000);
  const named = (name: string) => run.events.filter((e) => e.name === name);
  return {
    acked: named('producer_send_success') as unknown as VerifiableRecord[],
    errors: named('producer_send_error'),
    summary: named('tool_data')[0],
  };
}

/** A VerifiableConsumer in `groupId`, from the earliest offset, reporting every record (--verbose). */
export interface VerifiableConsumerOptions {
  /** classic (JoinGroup/SyncGroup) or consumer (KIP-848's ConsumerGroupHeartbeat). */
  groupProtocol?: 'classic' | 'consumer';
  /** The server-side assignor a consumer-protocol member asks for. */
  remoteAssignor?: string;
  /** A name for the run's log, when a scenario starts several. */
  label?: string;
}

export async function startVerifiableConsumer(ctx: ScenarioContext, topic: string, groupId: string, options: VerifiableConsumerOptions = {}): Promise<ToolRun> {
  const args = await kafkaJavaArgs(ctx, 'org.apache.kafka.tools.VerifiableConsumer', [
    '--topic',
    topic,
    '--group-id',
    groupId,
    '--reset-policy',
    'earliest',
    '--verbose',
    ...(options.groupProtocol === undefined ? [] : ['--group-protocol', options.groupProtocol]),
    ...(options.remoteAssignor === undefined ? [] : ['--group-remote-assignor', options.remoteAssignor]),
  ]);
  return startTool(ctx, options.label ?? 'java-verifiable-consumer', 'java', args);
}

interface PartitionEvent {
  name: string;
  partitions?: { topic: string; partition: number }[];
}

/** The partitions of `topic` a VerifiableConsumer holds now, from its assigned, revoked and lost events. */
export function heldPartitions(run: ToolRun, topic: string): Set<number> {
  const held = new Set<number>();
  for (const event of run.events as unknown as PartitionEvent[]) {
    const partitions = (event.partitions ?? []).filter((p) => p.topic === topic).map((p) => p.partition);
    if (event.name === 'partitions_assigned') for (const p of partitions) held.add(p);
    if (event.name === 'partitions_revoked' || event.name === 'partitions_lost') for (const p of partitions) held.delete(p);
  }
  return held;
}

export function consumedRecords(run: ToolRun): VerifiableRecord[] {
  return run.events.filter((e) => e.name === 'record_data') as unknown as VerifiableRecord[];
}
