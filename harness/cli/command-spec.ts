// A command of the CLI declared once: its arguments, its options with their help, and what it runs.
// The parser (node's util.parseArgs, strict, per command) and the help text both come from this
// declaration, so an option a command does not take is refused by that command, and the help never
// disagrees with what is accepted.
import { parseArgs } from 'node:util';
import { HarnessError } from '../errors.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Given several times (or comma-separated, where the command says so). */
  multiple?: boolean;
  short?: string;
  default?: string;
  /** The value's placeholder in the help (N, DIR, V...). */
  value?: string;
  help: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** What parseArgs gives back for a command's options. */
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandSpec {
  name: string;
  /** One line: what it does. */
  summary: string;
  /** Its positional arguments in the usage line, e.g. `<experiment...>`. */
  args?: string;
  options: OptionSpecs;
  /** What its exit codes mean. */
  exits?: string;
  run(values: OptionValues, positionals: string[]): Promise<number>;
}

/** Parses a command's arguments strictly: an option it does not declare is an error naming the command. */
export function parseCommand(spec: CommandSpec, argv: string[]): { values: OptionValues; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries(spec.options).map(([name, o]) => [
      name,
      {
        type: o.type,
        ...(o.multiple ? { multiple: true } : {}),
        ...(o.short ? { short: o.short } : {}),
        ...(o.default !== undefined ? { default: o.default } : {}),
      },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as OptionValues, positionals };
  } catch (err) {
    throw new HarnessError(`${spec.name}: ${(err as Error).message.replace(/\. To specify a positional argument.*$/s, '')}\n\n${commandUsage(spec)}`);
  }
}

function optionUsage(name: string, o: OptionSpec): string {
  return o.type === 'boolean' ? `--${name}` : `--${name} ${o.value ?? 'VALUE'}`;
}

/** The usage line and the options of one command, with their help. */
export function commandUsage(spec: CommandSpec): string {
  const names = Object.keys(spec.options);
  const width = Math.max(0, ...names.map((n) => optionUsage(n, spec.options[n]!).length));
  const lines = [`kafka-chaos ${spec.name}${spec.args ? ` ${spec.args}` : ''}${names.length ? ' [options]' : ''}`, `  ${spec.summary}`];
  if (names.length) {
    lines.push('', 'options:');
    for (const name of names) {
      const o = spec.options[name]!;
      const extra = [o.multiple ? 'repeatable' : '', o.default !== undefined ? `default ${o.default}` : ''].filter(Boolean).join('; ');
      lines.push(`  ${optionUsage(name, o).padEnd(width)}  ${o.help}${extra ? ` (${extra})` : ''}`);
    }
  }
  if (spec.exits) lines.push('', spec.exits);
  return lines.join('\n');
}

/** Every command on one line each, then how to ask for one command's options. */
export function overallUsage(specs: readonly CommandSpec[]): string {
  const width = Math.max(...specs.map((s) => `${s.name}${s.args ? ` ${s.args}` : ''}`.length));
  return [
    'kafka-chaos: chaos experiments against Apache Kafka and broker-ts',
    '',
    'commands:',
    ...specs.map((s) => `  ${`${s.name}${s.args ? ` ${s.args}` : ''}`.padEnd(width)}  ${s.summary}`),
    '',
    'kafka-chaos help <command> (or <command> --help) lists its options.',
    'Results go to <out>/<run-id>/<experiment>/<broker>/ (default out: ./results).',
  ].join('\n');
}

/** A string option's value as a non-negative integer, or undefined when absent. */
export function intOption(values: OptionValues, name: string): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) throw new HarnessError(`--${name}: expected a non-negative integer, got "${String(value)}"`);
  return Number(value);
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable option's values, commas splitting them too (`--kafka-version 3.9,4`). */
export function listOption(values: OptionValues, name: string): string[] {
  const value = values[name];
  const list = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  return list
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}
