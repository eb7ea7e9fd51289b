import type { ScenarioContext } from '../context.js';
import { startTool, type ToolRun } from './external-tool.js';
import { kafkaJavaArgs } from './kafka-java.js';

/** Kafka's command-line tools by script name, and the class each script runs in a Kafka release. */
const TOOL_CLASSES = {
  'kafka-configs': (version: string) => (version.startsWith('3.') ? 'kafka.admin.ConfigCommand' : 'org.apache.kafka.tools.ConfigCommand'),
  'kafka-log-dirs': () => 'org.apache.kafka.tools.LogDirsCommand',
  'kafka-transactions': () => 'org.apache.kafka.tools.TransactionsCommand',
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
