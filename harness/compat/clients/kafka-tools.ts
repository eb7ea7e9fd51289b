import type { ScenarioContext } from '../context.js';
import { startTool, type ToolRun } from './external-tool.js';

/** Kafka's command-line tools by script name, and the class each script runs in a Kafka release. */
const TOOL_CLASSES = {
  'kafka-configs': (version: string) => (version.startsWith('3.') ? 'kafka.admin.ConfigCommand' : 'org.apache.kafka.tools.ConfigCommand'),
  'kafka-log-dirs': () => 'org.apache.kafka.tools.LogDirsCommand',
  'kafka-transactions': () => 'org.apache.kafka.tools.TransactionsCommand',
} as const;

export type KafkaToolName = keyof typeof TOOL_CLASSES;

// C1 alone and one GC thread: a tool runs for a second or two.
const JVM = ['-Xms64m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];

/**
 * One of Kafka's own command-line tools (from the provisioned jars; what its shell script runs),
 * with the cluster's bootstrap servers, run to its end. Its stdout is in `run.lines`; stdout and
 * stderr are in `run.logFile`.
 */
export async function kafkaTool(ctx: ScenarioContext, tool: KafkaToolName, step: string, args: string[]): Promise<{ run: ToolRun; code: number | null }> {
  const install = await ctx.kafkaJars();
  const mainClass = TOOL_CLASSES[tool](install.version);
  const run = startTool(ctx, `${tool}-${step}`, 'java', [
    ...JVM,
    '-cp',
    `${install.libs}/*`,
    mainClass,
    '--bootstrap-server',
    ctx.bootstrapServers().join(','),
    ...args,
  ]);
  const status = await run.exited;
  return { run, code: status.code };
}
