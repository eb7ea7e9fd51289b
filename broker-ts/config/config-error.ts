// A configuration problem, worded as Kafka words them ("Invalid value X for configuration Y: ..."),
// so an operator sees the key at fault whichever broker refused the file.
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(message: string) {
    super(message);
  }

  static invalidValue(name: string, value: string, reason?: string): ConfigError {
    return new ConfigError(`Invalid value ${value} for configuration ${name}${reason === undefined ? '' : `: ${reason}`}`);
  }
}
