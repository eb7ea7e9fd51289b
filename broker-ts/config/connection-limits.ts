// How many connections the broker takes: max.connections (broker-wide, or per listener with the
// listener prefix), max.connections.per.ip and its overrides, and the backlog where connections
// over max.connections wait (socket.listen.backlog.size).
import { ConfigError } from './config-error.js';
import type { ConfigValue } from './config-key.js';
import type { Endpoint } from './listeners.js';

export interface ConnectionLimits {
  /** max.connections without a listener prefix: across every listener but the controller's. */
  brokerWide: number;
  /** Per listener, where listener.name.<l>.max.connections is set. */
  perListener: ReadonlyMap<string, number>;
  perIp: number;
  /** max.connections.per.ip.overrides, by address or host name. */
  perIpOverrides: ReadonlyMap<string, number>;
  /** Connections over max.connections wait this many at most for a free slot, as in the accept backlog. */
  backlog: number;
}

export function resolveConnectionLimits(
  listeners: readonly Endpoint[],
  listenerValue: (listener: string, name: string) => ConfigValue | null,
  overridesText: string,
): ConnectionLimits {
  const brokerWide = listenerValue('', 'max.connections') as number;
  const perListener = new Map<string, number>();
  for (const { name } of listeners) {
    const limit = listenerValue(name, 'max.connections') as number;
    if (limit !== brokerWide) perListener.set(name, limit);
  }
  const perIpOverrides = new Map<string, number>();
  for (const entry of overridesText
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')) {
    const at = entry.lastIndexOf(':');
    const limit = Number(entry.slice(at + 1));
    if (at <= 0 || !Number.isInteger(limit) || limit < 0) {
      throw ConfigError.invalidValue('max.connections.per.ip.overrides', overridesText, `Invalid entry ${entry}: expected host:limit`);
    }
    perIpOverrides.set(entry.slice(0, at), limit);
  }
  return {
    brokerWide,
    perListener,
    perIp: listenerValue('', 'max.connections.per.ip') as number,
    perIpOverrides,
    backlog: listenerValue('', 'socket.listen.backlog.size') as number,
  };
}
