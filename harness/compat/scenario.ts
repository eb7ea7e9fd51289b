import type { ScenarioContext } from './context.js';

/** What one scenario needs from the client side; when a need is not met it is skipped, saying why. */
export interface ScenarioNeeds {
  /** The oldest kafkajs release that has the API the scenario uses (e.g. "2.0.0"). */
  kafkajs?: string;
  /** Programs that must be on this machine. */
  tools?: ('kcat' | 'java')[];
  /** The fewest cluster nodes the scenario means anything on. */
  nodes?: number;
}

/**
 * One compatibility check: it drives real clients against the cluster and either returns (pass),
 * throws a CheckFailed or any client error (fail, with the message as reason) or throws
 * ScenarioSkipped (the client side cannot run it here, e.g. a codec package that does not load).
 */
export interface CompatScenario {
  /** The file name without `.ts`; the scenario's key in the matrix and on the command line. */
  name: string;
  /** One line: what is exercised and what must hold. */
  title: string;
  needs?: ScenarioNeeds;
  /** Longer than this is a failure (default 60 s). */
  timeoutMs?: number;
  run(ctx: ScenarioContext): Promise<void>;
}

/** The default export of every module in scenarios/. */
export function defineScenario(scenario: CompatScenario): CompatScenario {
  return scenario;
}
