import type { DescribeConfigResponse } from 'kafkajs';
import { check, checkEqual, show } from '../check.js';
import { defineScenario } from '../scenario.js';

type Entry = DescribeConfigResponse['resources'][number]['configEntries'][number];

function entriesOf(response: DescribeConfigResponse, what: string): Map<string, Entry> {
  checkEqual(response.resources.length, 1, `resources in the DescribeConfigs answer for ${what}`);
  const resource = response.resources[0]!;
  checkEqual(resource.errorCode, 0, `error code of DescribeConfigs for ${what} (${resource.errorMessage})`);
  return new Map(resource.configEntries.map((e) => [e.configName, e]));
}

export default defineScenario({
  name: 'admin-describe-configs',
  title: 'describeConfigs of a topic (set and default values, named entries) and of a broker',
  async run(ctx) {
    const { ConfigResourceTypes } = ctx.kafkajs.module;
    const admin = await ctx.admin();
    const topic = await ctx.createTopic('configs', { config: { 'retention.ms': '3600000', 'cleanup.policy': 'compact' } });

    const all = entriesOf(
      await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] }),
      `topic ${topic}`,
    );
    checkEqual(all.get('retention.ms')?.configValue, '3600000', 'retention.ms set at creation');
    checkEqual(all.get('cleanup.policy')?.configValue, 'compact', 'cleanup.policy set at creation');
    // DescribeConfigs v1+ says where a value comes from: 1 is TOPIC_CONFIG, set on the topic itself.
    checkEqual(all.get('retention.ms')?.configSource, 1, 'config source of retention.ms set at creation (TOPIC_CONFIG)');
    checkEqual(all.get('retention.ms')?.isDefault, false, 'isDefault of retention.ms set at creation');
    const maxMessageBytes = all.get('max.message.bytes');
    check(maxMessageBytes && /^\d+$/.test(maxMessageBytes.configValue), `no numeric max.message.bytes among the topic's configs: ${show(maxMessageBytes)}`);
    check(maxMessageBytes.configSource !== 1, `max.message.bytes, never set on the topic, is reported as set on it: ${show(maxMessageBytes)}`);
    check(all.size >= 20, `only ${all.size} topic configs described: ${show([...all.keys()])}`);

    const named = entriesOf(
      await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'min.insync.replicas'] }],
      }),
      `two configs of topic ${topic}`,
    );
    checkEqual([...named.keys()].sort(), ['min.insync.replicas', 'retention.ms'], 'configs returned when two are named');

    const node = String(ctx.cluster.nodeIds()[0]);
    const broker = entriesOf(
      await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.BROKER, name: node, configNames: ['message.max.bytes', 'num.partitions'] }],
      }),
      `broker ${node}`,
    );
    for (const name of ['message.max.bytes', 'num.partitions']) {
      check(/^\d+$/.test(broker.get(name)?.configValue ?? ''), `broker ${node}'s ${name} is not a number: ${show(broker.get(name))}`);
    }
  },
});
