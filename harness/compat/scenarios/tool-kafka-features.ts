import { check, checkEqual, show } from '../check.js';
import { kafkaTool, lastLines } from '../clients/kafka-tools.js';
import type { ScenarioContext } from '../context.js';
import { defineScenario } from '../scenario.js';

function features(ctx: ScenarioContext, step: string, args: string[]) {
  return kafkaTool(ctx, 'kafka-features', step, args);
}

interface DescribedFeature {
  supportedMin: string;
  supportedMax: string;
  finalized: string;
  epoch: number;
}

/** `Feature: metadata.version  SupportedMinVersion: 3.3-IV3  SupportedMaxVersion: 4.4-IV2  FinalizedVersionLevel: 4.4-IV2  Epoch: 7`, by feature. */
function parseDescribe(output: string): Map<string, DescribedFeature> {
  const described = new Map<string, DescribedFeature>();
  for (const line of output.split('\n')) {
    const m = /^Feature: (\S+)\s+SupportedMinVersion: (\S+)\s+SupportedMaxVersion: (\S+)\s+FinalizedVersionLevel: (\S+)\s+Epoch: (-?\d+)/.exec(line);
    if (m !== null) described.set(m[1]!, { supportedMin: m[2]!, supportedMax: m[3]!, finalized: m[4]!, epoch: Number(m[5]) });
  }
  return described;
}

export default defineScenario({
  name: 'tool-kafka-features',
  title:
    "Kafka's kafka-features tool (ApiVersions' feature levels, UpdateFeatures at the controller): describe lists metadata.version finalized at its supported maximum; upgrading it to its own level succeeds; a downgrade that could lose metadata, an unsafe one and an unknown feature are refused and change nothing",
  needs: { tools: ['java'] },
  timeoutMs: 120_000,
  async run(ctx) {
    const describe = async (step: string) => {
      const run = await features(ctx, step, ['describe']);
      check(run.code === 0, `kafka-features describe exited ${run.code}: ${lastLines(run.output)}`);
      return parseDescribe(run.output);
    };
    const before = await describe('describe');
    const metadataVersion = before.get('metadata.version');
    check(metadataVersion !== undefined, `kafka-features describe lists metadata.version: ${show([...before.keys()])}`);
    checkEqual(metadataVersion.finalized, metadataVersion.supportedMax, 'the finalized metadata.version (a new cluster starts at its latest)');
    check(metadataVersion.epoch > 0, `the finalized features' epoch is a metadata offset: ${metadataVersion.epoch}`);
    for (const [name, feature] of before) {
      // Levels are numbers for every feature but metadata.version, which the tool names by release.
      if (name === 'metadata.version') continue;
      const [min, max, finalized] = [feature.supportedMin, feature.supportedMax, feature.finalized].map(Number) as [number, number, number];
      check(min <= finalized && finalized <= max, `${name}: finalized at ${finalized}, outside its supported range ${min}-${max}`);
    }

    // --metadata alone: --release-version would also raise every other feature to that release's
    // level, which broker-ts refuses for the features it does not implement (group.version, ...).
    const same = await features(ctx, 'upgrade-same', ['upgrade', '--metadata', metadataVersion.finalized]);
    check(
      same.code === 0 && same.output.includes('metadata.version was upgraded to'),
      `upgrade to the finalized release exited ${same.code}: ${lastLines(same.output)}`,
    );

    const refusals: [string, string[], string][] = [
      ['downgrade', ['downgrade', '--metadata', '3.3-IV3'], 'Refusing to perform the requested downgrade because it might delete metadata information.'],
      ['downgrade-unsafe', ['downgrade', '--metadata', '3.3-IV3', '--unsafe'], 'Unsafe metadata downgrade is not supported in this version.'],
      ['unknown-feature', ['upgrade', '--feature', 'compat.no.such.feature=1'], 'does not support this feature.'],
    ];
    for (const [step, args, reason] of refusals) {
      const run = await features(ctx, step, args);
      check(
        run.code === 1 && run.output.includes(reason),
        `kafka-features ${args.join(' ')}: expected it refused (${reason}); exited ${run.code}: ${lastLines(run.output)}`,
      );
    }

    const after = await describe('describe-after');
    checkEqual(
      [...after].map(([name, f]) => `${name}=${f.finalized}`).sort(),
      [...before].map(([name, f]) => `${name}=${f.finalized}`).sort(),
      'the finalized levels after the refused updates',
    );
  },
});
