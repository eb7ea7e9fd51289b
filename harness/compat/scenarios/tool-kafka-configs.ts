import { isDeepStrictEqual } from 'node:util';
import { check, checkEqual, show, waitUntil } from '../check.js';
import { kafkaTool, lastLines } from '../clients/kafka-tools.js';
import { defineScenario } from '../scenario.js';
import type { ScenarioContext } from '../context.js';

async function succeeds(ctx: ScenarioContext, step: string, args: string[]) {
  const { run, code, output } = await kafkaTool(ctx, 'kafka-configs', step, args);
  check(code === 0, `kafka-configs (${step}) exited with ${code}: ${lastLines(output)}`);
  return run;
}

export default defineScenario({
  name: 'tool-kafka-configs',
  title:
    "Kafka's kafka-configs tool: --add-config and --delete-config change only the keys they name (IncrementalAlterConfigs), --describe lists the overrides, an invalid value is refused with Kafka's message",
  needs: { tools: ['java'] },
  timeoutMs: 120_000,
  async run(ctx) {
    const { ConfigResourceTypes } = ctx.kafkajs.module;
    const admin = await ctx.admin();
    const topic = await ctx.createTopic('configs', { config: { 'retention.ms': '3600000', 'segment.ms': '600000' } });
    const topicEntity = ['--entity-type', 'topics', '--entity-name', topic];

    await succeeds(ctx, 'add', [...topicEntity, '--alter', '--add-config', 'max.message.bytes=5000,cleanup.policy=[delete,compact]']);
    await succeeds(ctx, 'delete', [...topicEntity, '--alter', '--delete-config', 'retention.ms']);

    // What kafkajs reads back: segment.ms, named by neither call, keeps its override.
    const expected = { 'cleanup.policy': 'delete,compact', 'max.message.bytes': '5000', 'retention.ms': '604800000', 'segment.ms': '600000' };
    let seen: Record<string, string> = {};
    await waitUntil(
      async () => {
        const { resources } = await admin.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: Object.keys(expected) }],
        });
        seen = Object.fromEntries(resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
        return isDeepStrictEqual(seen, expected);
      },
      10_000,
      `describeConfigs to show ${show(expected)}`,
      () => show(seen),
    );

    // The tool's own view: one line per override ("  name=value sensitive=false synonyms={...}").
    const described = await succeeds(ctx, 'describe', [...topicEntity, '--describe']);
    const listed = described.lines
      .filter((line) => /^\s+[a-z.]+=/.test(line))
      .map((line) => line.trim().split(' ')[0])
      .sort();
    checkEqual(listed, ['cleanup.policy=delete,compact', 'max.message.bytes=5000', 'segment.ms=600000'], 'the overrides kafka-configs --describe lists');

    const refused = await kafkaTool(ctx, 'kafka-configs', 'invalid', [...topicEntity, '--alter', '--add-config', 'retention.ms=soon']);
    check(refused.code !== 0, 'kafka-configs exited 0 for retention.ms=soon');
    check(
      /Invalid value soon for configuration retention\.ms/.test(refused.output),
      `kafka-configs did not report the invalid value: ${lastLines(refused.output, 3)}`,
    );
  },
});
