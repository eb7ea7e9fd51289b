import { isDeepStrictEqual } from 'node:util';
import { checkEqual, show, sleep, waitUntil } from '../check.js';
import { defineScenario } from '../scenario.js';

export default defineScenario({
  name: 'admin-alter-configs',
  title: 'alterConfigs of a topic: validateOnly changes nothing; a real call replaces the whole set of overrides',
  async run(ctx) {
    const { ConfigResourceTypes } = ctx.kafkajs.module;
    const admin = await ctx.admin();
    const topic = await ctx.createTopic('alter', { config: { 'cleanup.policy': 'compact', 'retention.ms': '3600000' } });
    const current = async () => {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'cleanup.policy', 'segment.ms'] }],
      });
      return Object.fromEntries(resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
    };
    const change = (validateOnly: boolean) =>
      admin.alterConfigs({
        validateOnly,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: topic,
            configEntries: [
              { name: 'retention.ms', value: '7200000' },
              { name: 'segment.ms', value: '600000' },
            ],
          },
        ],
      });

    // A change reaches the broker that describes it through the cluster's metadata, a moment after
    // the call returns: nothing must have arrived a second after a validateOnly call.
    await change(true);
    await sleep(1000);
    checkEqual(
      await current(),
      { 'cleanup.policy': 'compact', 'retention.ms': '3600000', 'segment.ms': '604800000' },
      'configs after a validateOnly alterConfigs',
    );

    await change(false);
    // AlterConfigs (not the incremental API) sets the complete list of overrides: cleanup.policy,
    // not named, goes back to its default.
    const expected = { 'cleanup.policy': 'delete', 'retention.ms': '7200000', 'segment.ms': '600000' };
    let seen: Record<string, string> = {};
    await waitUntil(
      async () => {
        seen = await current();
        return isDeepStrictEqual(seen, expected);
      },
      10_000,
      `describeConfigs to show ${show(expected)} after alterConfigs`,
      () => show(seen),
    );
  },
});
