import { createRequire } from 'node:module';
import type * as KafkaJS from 'kafkajs';
import { HarnessError } from '../errors.js';
import { compareVersions } from '../provision/kafka.js';

/**
 * A kafkajs module of any release. Typed as the project's own kafkajs (2.2.4): scenarios use only
 * what every supported release has, or declare the release they need (ScenarioNeeds.kafkajs).
 */
export type KafkajsModule = typeof KafkaJS;

export interface KafkajsRelease {
  version: string;
  /** What was loaded: `kafkajs` itself or an npm alias such as `kafkajs-1.16.0`. */
  packageName: string;
  module: KafkajsModule;
}

const requireHere = createRequire(import.meta.url);

function versionOf(packageName: string): string | undefined {
  try {
    return (requireHere(`${packageName}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** The kafkajs the rest of the harness uses (package.json `kafkajs`). */
export function projectKafkajsVersion(): string {
  const version = versionOf('kafkajs');
  if (!version) throw new HarnessError('kafkajs is not installed: run npm ci');
  return version;
}

/**
 * Several releases live side by side as npm aliases (`"kafkajs-1.16.0": "npm:kafkajs@1.16.0"`),
 * each with its own module state (its codec table, its defaults); an alias is preferred over the
 * project's kafkajs so that an exact release is what runs.
 */
export function loadKafkajs(version: string = projectKafkajsVersion()): KafkajsRelease {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new HarnessError(`--kafkajs: "${version}" is not a release number such as 2.2.4`);
  for (const packageName of [`kafkajs-${version}`, 'kafkajs']) {
    if (versionOf(packageName) !== version) continue;
    return { version, packageName, module: requireHere(packageName) as KafkajsModule };
  }
  throw new HarnessError(
    `kafkajs ${version} is not installed. Add it to package.json as an alias, "kafkajs-${version}": "npm:kafkajs@${version}", and run npm install`,
  );
}

/** True when `version` is `minimum` or newer. */
export function atLeast(version: string, minimum: string): boolean {
  return compareVersions(version, minimum) >= 0;
}
