import { spawnSync } from 'node:child_process';
import { describeError } from './check.js';
import { ScenarioContext, type ScenarioEnvironment } from './context.js';
import { atLeast } from './kafkajs-versions.js';
import { ScenarioSkipped } from './outcomes.js';
import type { CompatScenario, ScenarioNeeds } from './scenario.js';

export type ScenarioVerdict = 'pass' | 'fail' | 'skipped';

/** One cell of the matrix: one scenario, on one broker, with one kafkajs release. */
export interface ScenarioResult {
  scenario: string;
  title: string;
  broker: string;
  brokerVersion: string;
  kafkajs: string;
  verdict: ScenarioVerdict;
  /** Why it failed or was skipped; what was checked when it passed. */
  reason: string;
  durationMs: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

const HOW_TO_GET: Record<NonNullable<ScenarioNeeds['tools']>[number], string> = {
  kcat: 'install it (Debian: apt-get install kcat)',
  java: 'install a JDK 17 or newer',
};

const toolPresent = new Map<string, boolean>();
function onPath(tool: string): boolean {
  if (!toolPresent.has(tool)) {
    const probe = spawnSync(tool, tool === 'java' ? ['-version'] : ['-V'], { stdio: 'ignore' });
    toolPresent.set(tool, !probe.error && probe.status === 0);
  }
  return toolPresent.get(tool)!;
}

/** Why the scenario cannot run with this kafkajs release, tools and cluster size, or undefined when it can. */
export function unmetNeed(needs: ScenarioNeeds, kafkajsVersion: string, nodes: number): string | undefined {
  if (needs.kafkajs && !atLeast(kafkajsVersion, needs.kafkajs)) {
    return `needs kafkajs ${needs.kafkajs} or newer (this is ${kafkajsVersion})`;
  }
  for (const tool of needs.tools ?? []) {
    if (!onPath(tool)) return `${tool} is not on PATH: ${HOW_TO_GET[tool]}`;
  }
  if (needs.nodes && nodes < needs.nodes) return `needs a cluster of ${needs.nodes} nodes or more (this one has ${nodes})`;
  return undefined;
}

/**
 * Runs one scenario and turns whatever happens into a verdict: returning is a pass, a skip is a
 * skip, any error (a failed check, a client error, a timeout) is a failure with its message.
 */
export async function runScenario(scenario: CompatScenario, env: ScenarioEnvironment): Promise<ScenarioResult> {
  const started = performance.now();
  const result = (verdict: ScenarioVerdict, reason: string): ScenarioResult => ({
    scenario: scenario.name,
    title: scenario.title,
    broker: env.cluster.broker,
    brokerVersion: env.cluster.brokerVersion,
    kafkajs: env.kafkajs.version,
    verdict,
    reason,
    durationMs: Math.round(performance.now() - started),
  });
  const unmet = unmetNeed(scenario.needs ?? {}, env.kafkajs.version, env.cluster.nodeIds().length);
  if (unmet) return result('skipped', unmet);

  const ctx = new ScenarioContext(scenario.name, env);
  const timeoutMs = scenario.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    await Promise.race([scenario.run(ctx), timeout]);
    return result('pass', scenario.title);
  } catch (err) {
    if (err instanceof ScenarioSkipped) return result('skipped', err.message);
    ctx.log.debug({ err }, 'scenario failed');
    return result('fail', describeError(err));
  } finally {
    clearTimeout(timer);
    // Clients disconnect here even after a timeout, which also ends the abandoned run.
    await ctx.cleanUp();
  }
}
