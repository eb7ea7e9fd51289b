import type { ScenarioContext } from '../context.js';
import { startTool, type ToolRun } from './external-tool.js';

/**
 * Kafka's own `kafka-configs` (ConfigCommand, from the provisioned jars; what the shell script
 * runs), with the cluster's bootstrap servers. Since Kafka 3.x it changes configs with
 * IncrementalAlterConfigs and reads them with DescribeConfigs.
 */
export async function kafkaConfigs(ctx: ScenarioContext, name: string, args: string[]): Promise<{ run: ToolRun; code: number | null }> {
  const install = await ctx.kafkaJars();
  const mainClass = install.version.startsWith('3.') ? 'kafka.admin.ConfigCommand' : 'org.apache.kafka.tools.ConfigCommand';
  const jvm = ['-Xms64m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];
  const run = startTool(ctx, name, 'java', [...jvm, '-cp', `${install.libs}/*`, mainClass, '--bootstrap-server', ctx.bootstrapServers().join(','), ...args]);
  const status = await run.exited;
  return { run, code: status.code };
}
