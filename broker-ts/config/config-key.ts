// One configuration key as Kafka's ConfigDef describes it (type, default, validator, whether it can
// change at run time), and the parsing of its textual value with Kafka's rules and error wording.
import { ConfigError } from './config-error.js';

export type ConfigType = 'boolean' | 'string' | 'int' | 'short' | 'long' | 'double' | 'list' | 'class' | 'password';

/** DescribeConfigs' configType codes (KIP-569). */
export const CONFIG_TYPE_CODES: Readonly<Record<ConfigType, number>> = {
  boolean: 1,
  string: 2,
  int: 3,
  short: 4,
  long: 5,
  double: 6,
  list: 7,
  class: 8,
  password: 9,
};

/** DescribeConfigs' configSource codes. */
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

export type ConfigValue = boolean | string | number | readonly string[];

/** Returns why a parsed value is refused, or undefined. */
export type Validator = (value: ConfigValue) => string | undefined;

export interface ConfigKey {
  name: string;
  type: ConfigType;
  /** The default as Kafka prints it (DescribeConfigs); null when the key has none. */
  defaultValue: string | null;
  documentation: string;
  /** Kafka can change it at run time (DescribeConfigs reports readOnly = false). */
  dynamic?: boolean;
  sensitive?: boolean;
  validate?: Validator;
  /**
   * 'applied': broker-ts acts on it. 'accepted': a Kafka key broker-ts takes without effect (it is
   * listed by DescribeConfigs, and a non-default value is logged at start-up as not applied).
   */
  support: 'applied' | 'accepted';
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const JAVA_INTEGER = /^[+-]?\d+$/;

/** Parses a value the way ConfigDef.parseType does; throws ConfigError naming the key. */
export function parseConfigValue(key: Pick<ConfigKey, 'name' | 'type' | 'validate'>, raw: string): ConfigValue {
  const value = parseByType(key.name, key.type, raw);
  const problem = key.validate?.(value);
  if (problem !== undefined) throw ConfigError.invalidValue(key.name, raw, problem);
  return value;
}

function parseByType(name: string, type: ConfigType, raw: string): ConfigValue {
  const trimmed = raw.trim();
  const notANumber = () => ConfigError.invalidValue(name, raw, `Not a number of type ${type.toUpperCase()}`);
  switch (type) {
    case 'boolean':
      if (trimmed.toLowerCase() === 'true') return true;
      if (trimmed.toLowerCase() === 'false') return false;
      throw ConfigError.invalidValue(name, raw, 'Expected value to be either true or false');
    case 'int':
    case 'short': {
      if (!JAVA_INTEGER.test(trimmed)) throw notANumber();
      const value = Number(trimmed);
      const [min, max] = type === 'int' ? [INT32_MIN, INT32_MAX] : [-32768, 32767];
      if (value < min || value > max) throw notANumber();
      return value;
    }
    case 'long': {
      if (!JAVA_INTEGER.test(trimmed)) throw notANumber();
      const value = BigInt(trimmed);
      if (value < INT64_MIN || value > INT64_MAX) throw notANumber();
      // Long.MAX_VALUE is Kafka's "never" (flush.messages, flush.ms...): it stays out of safe range on purpose.
      return Number(value);
    }
    case 'double': {
      const value = Number(trimmed);
      if (trimmed === '' || Number.isNaN(value)) throw notANumber();
      return value;
    }
    case 'list':
      return trimmed === '' ? [] : trimmed.split(/\s*,\s*/);
    case 'string':
    case 'class':
    case 'password':
      return trimmed;
  }
}

/** Kafka's textual form of a parsed value (lists joined by commas). */
export function formatConfigValue(value: ConfigValue): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

export const atLeast =
  (min: number): Validator =>
  (value) =>
    typeof value === 'number' && value < min ? `Value must be at least ${min}` : undefined;

export const between =
  (min: number, max: number): Validator =>
  (value) => {
    if (typeof value !== 'number') return undefined;
    if (value < min) return `Value must be at least ${min}`;
    if (value > max) return `Value must be no more than ${max}`;
    return undefined;
  };

export const oneOf =
  (...allowed: string[]): Validator =>
  (value) =>
    typeof value === 'string' && !allowed.includes(value) ? `String must be one of: ${allowed.join(', ')}` : undefined;

/** As Kafka's CaseInsensitiveValidString. */
export const oneOfIgnoringCase =
  (...allowed: string[]): Validator =>
  (value) =>
    typeof value === 'string' && !allowed.includes(value.toLowerCase()) ? `String must be one of (case insensitive): ${allowed.join(', ')}` : undefined;

export const listOf =
  (...allowed: string[]): Validator =>
  (value) => {
    if (!Array.isArray(value)) return undefined;
    const bad = value.find((item) => !allowed.includes(item));
    return bad === undefined ? undefined : `Invalid value ${bad} for configuration: String must be one of: ${allowed.join(', ')}`;
  };
