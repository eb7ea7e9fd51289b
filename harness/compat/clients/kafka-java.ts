import type { ScenarioContext } from '../context.js';

/** A small heap and one GC thread: Kafka's Java clients and tools in a scenario run for seconds. */
const JVM = ['-Xms64m', '-Xmx256m', '-XX:+UseSerialGC', '-Djava.awt.headless=true'];

/** `java` arguments that run `mainClass` from the provisioned Kafka jars against the cluster. */
export async function kafkaJavaArgs(ctx: ScenarioContext, mainClass: string, args: string[]): Promise<string[]> {
  const install = await ctx.kafkaJars();
  return [...JVM, '-cp', `${install.libs}/*`, mainClass, '--bootstrap-server', ctx.bootstrapServers().join(','), ...args];
}
