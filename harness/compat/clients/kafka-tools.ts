import { readFileSync } from 'node:fs';
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
  'kafka-leader-election': () => 'org.apache.kafka.tools.LeaderElectionCommand',
} as const;

export type KafkaToolName = keyof typeof TOOL_CLASSES;

/**
 * One of Kafka's own command-line tools (from the provisioned jars; what its shell script runs),
 * with the cluster's bootstrap servers, run to its end. Its stdout is in `run.lines`; stdout and
 * stderr are in `run.logFile`.
 */
export async function kafkaTool(ctx: ScenarioContext, tool: KafkaToolName, step: string, args: string[]): Promise<{ run: ToolRun; code: number | null }> {
  const mainClass = TOOL_CLASSES[tool]((await ctx.kafkaJars()).version);
  const run = startTool(ctx, `${tool}-${step}`, 'java', await kafkaJavaArgs(ctx, mainClass, args));
  const status = await run.exited;
  return { run, code: status.code };
}

/** Runs a tool that must succeed (a failed check naming its last lines otherwise); its stdout lines, split into columns. */
export async function kafkaToolColumns(ctx: ScenarioContext, tool: KafkaToolName, step: string, args: string[]): Promise<string[][]> {
  const { run, code } = await kafkaTool(ctx, tool, step, args);
  check(code === 0, `${tool} ${args.join(' ')} exited with ${code}: ${readFileSync(run.logFile, 'utf8').trim().split('\n').slice(-5).join(' | ')}`);
  return run.lines.map((line) => line.trim().split(/\s+/));
}
