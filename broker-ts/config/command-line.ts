// broker-ts's command line, which follows kafka.Kafka's: a properties file (as --config FILE or as
// the first argument) and any number of `--override key=value`.
import { ConfigError } from './config-error.js';
import { defaultProperties } from './default-properties.js';
import { readPropertiesFile } from './properties-file.js';

export interface CommandLine {
  configFile: string | undefined;
  properties: Map<string, string>;
  help: boolean;
}

export const USAGE = `usage: broker-ts [--config server.properties | server.properties] [--override key=value ...]

Starts one broker-ts node. Configuration keys are Kafka's (node.id, listeners, log.dirs, ...).
Without a properties file, broker-ts runs one node on 127.0.0.1:9092 with its data under the
system temp folder, like Kafka's sample config/server.properties.`;

export function parseCommandLine(args: readonly string[]): CommandLine {
  let configFile: string | undefined;
  const overrides = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') return { configFile, properties: new Map(), help: true };
    if (arg === '--config' || arg === '--override') {
      const next = args[++i];
      if (next === undefined) throw new ConfigError(`${arg} needs a value`);
      if (arg === '--config') configFile = setOnce(configFile, next);
      else addOverride(overrides, next);
      continue;
    }
    if (arg.startsWith('--config=')) configFile = setOnce(configFile, arg.slice('--config='.length));
    else if (arg.startsWith('--override=')) addOverride(overrides, arg.slice('--override='.length));
    else if (!arg.startsWith('-')) configFile = setOnce(configFile, arg);
    else throw new ConfigError(`unknown option ${arg}\n${USAGE}`);
  }
  const base = configFile === undefined ? defaultProperties() : readConfigFile(configFile);
  for (const [key, value] of overrides) base.set(key, value);
  return { configFile, properties: base, help: false };
}

function setOnce(current: string | undefined, file: string): string {
  if (current !== undefined) throw new ConfigError(`only one properties file may be given (got ${current} and ${file})`);
  return file;
}

function addOverride(overrides: Map<string, string>, assignment: string): void {
  const at = assignment.indexOf('=');
  if (at <= 0) throw new ConfigError(`--override expects key=value, got "${assignment}"`);
  overrides.set(assignment.slice(0, at).trim(), assignment.slice(at + 1));
}

function readConfigFile(file: string): Map<string, string> {
  try {
    return readPropertiesFile(file);
  } catch (error) {
    throw new ConfigError(`cannot read the properties file ${file}: ${(error as Error).message}`);
  }
}
