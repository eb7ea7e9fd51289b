import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check } from '../check.js';
import type { ScenarioContext } from '../context.js';
import { startTool, type ToolRun } from './external-tool.js';
import { kafkaJavaArgs } from './kafka-java.js';

/** Kafka's command-line tools by script name, and the class each script runs in a Kafka release. */
const TOOL_CLASSES = {
  'kafka-configs': (version: string) => (version.startsWith('3.') ? 'kafka.admin.ConfigCommand' : 'org.apache.kafka.tools.ConfigCommand'),
  'kafka-log-dirs': () => 'org.apache.kafka.tools.LogDirsCommand',
  'kafka-transactions': () => 'org.apache.kafka.tools.TransactionsCommand',
  'kafka-consumer-groups': () => 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  'kafka-groups': () => 'org.apache.kafka.tools.GroupsCommand',
  'kafka-leader-election': () => 'org.apache.kafka.tools.LeaderElectionCommand',
  'kafka-features': () => 'org.apache.kafka.tools.FeatureCommand',
  'kafka-metadata-quorum': () => 'org.apache.kafka.tools.MetadataQuorumCommand',
  'kafka-topics': () => 'org.apache.kafka.tools.TopicCommand',
  'kafka-get-offsets': () => 'org.apache.kafka.tools.GetOffsetShell',
  'kafka-delete-records': () => 'org.apache.kafka.tools.DeleteRecordsCommand',
  'kafka-reassign-partitions': () => 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand',
  'kafka-console-consumer': (version: string) => (version.startsWith('3.') ? 'kafka.tools.ConsoleConsumer' : 'org.apache.kafka.tools.consumer.ConsoleConsumer'),
} as const;

export type KafkaToolName = keyof typeof TOOL_CLASSES;

export interface KafkaToolResult {
  run: ToolRun;
  code: number | null;
  /** What it printed on stdout, line by line. */
  lines: string[];
  /** Everything it printed, stdout and stderr, trimmed. */
  output: string;
}

/**
 * One of Kafka's own command-line tools (from the provisioned jars; what its shell script runs),
 * with the cluster's bootstrap servers, run to its end.
 */
export async function kafkaTool(ctx: ScenarioContext, tool: KafkaToolName, step: string, args: string[]): Promise<KafkaToolResult> {
  const mainClass = TOOL_CLASSES[tool]((await ctx.kafkaJars()).version);
  const run = startTool(ctx, `${tool}-${step}`, 'java', await kafkaJavaArgs(ctx, mainClass, args));
  const status = await run.exited;
  return { run, code: status.code, lines: run.lines, output: readFileSync(run.logFile, 'utf8').trim() };
}

/** The last lines a tool printed, for a failure's reason. */
export function lastLines(output: string, count = 5): string {
  return output.split('\n').slice(-count).join(' | ');
}

/** Runs a tool that must succeed (a failed check naming its last lines otherwise); its stdout lines, split into columns. */
export async function kafkaToolColumns(ctx: ScenarioContext, tool: KafkaToolName, step: string, args: string[]): Promise<string[][]> {
  const { lines, code, output } = await kafkaTool(ctx, tool, step, args);
  check(code === 0, `${tool} ${args.join(' ')} exited with ${code}: ${lastLines(output)}`);
  return lines.map((line) => line.trim().split(/\s+/));
}

/** Runs `kafka-delete-records` on an offsets file (-1: the high watermark); what it printed on stdout, one trimmed line each. */
export async function kafkaDeleteRecords(
  ctx: ScenarioContext,
  step: string,
  partitions: { topic: string; partition: number; offset: number }[],
): Promise<string[]> {
  const file = join(ctx.workDir(), `delete-records-${step}.json`);
  writeFileSync(file, JSON.stringify({ partitions, version: 1 }));
  const { lines, code, output } = await kafkaTool(ctx, 'kafka-delete-records', step, ['--offset-json-file', file]);
  check(code === 0, `kafka-delete-records (${step}) exited ${code}: ${lastLines(output)}`);
  return lines.map((line) => line.trim());
}

/**
 * `kafka-leader-election --election-type PREFERRED` for one partition. A node just back in the ISR
 * may still be fenced at the controller for a moment (its first heartbeats): the election is then
 * refused with PreferredLeaderNotAvailableException, and asked again (up to ten times, a second apart).
 */
export async function kafkaElectPreferred(ctx: ScenarioContext, topic: string, partition: number, step: string): Promise<KafkaToolResult> {
  const args = ['--election-type', 'PREFERRED', '--topic', topic, '--partition', String(partition)];
  let run = await kafkaTool(ctx, 'kafka-leader-election', step, args);
  for (let attempt = 1; attempt < 10 && run.code !== 0 && run.output.includes('PreferredLeaderNotAvailableException'); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    run = await kafkaTool(ctx, 'kafka-leader-election', `${step}-${attempt}`, args);
  }
  return run;
}
