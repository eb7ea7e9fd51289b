// Kafka's endpoint notations: `NAME://host:port` listeners, `id@host:port` quorum voters and the
// `NAME:PROTOCOL` security protocol map.
import { ConfigError } from './config-error.js';

export interface Endpoint {
  /** Upper-case listener name, as Kafka normalises it. */
  name: string;
  /** Empty means every interface (for listeners) or the canonical host name (advertised). */
  host: string;
  port: number;
}

export interface QuorumVoter {
  id: number;
  host: string;
  port: number;
}

const ENDPOINT = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:]*):(-?\d+)$/;

export function parseEndpoints(key: string, items: readonly string[]): Endpoint[] {
  const endpoints = items.map((item) => {
    const match = ENDPOINT.exec(item.trim());
    if (match === null) throw ConfigError.invalidValue(key, items.join(','), `Unable to parse ${item} to a broker endpoint`);
    const port = Number(match[3]);
    if (port < 0 || port > 65535) throw ConfigError.invalidValue(key, items.join(','), `port ${port} of ${item} is out of range`);
    return { name: match[1]!.toUpperCase(), host: match[2]!.replace(/^\[|\]$/g, ''), port };
  });
  const names = new Set<string>();
  for (const { name } of endpoints) {
    if (names.has(name)) throw ConfigError.invalidValue(key, items.join(','), `Each listener must have a different name, ${name} appears twice`);
    names.add(name);
  }
  return endpoints;
}

export function parseQuorumVoters(items: readonly string[]): QuorumVoter[] {
  return items.map((item) => {
    const match = /^(\d+)@(\[[^\]]*\]|[^:]+):(\d+)$/.exec(item.trim());
    if (match === null) {
      throw ConfigError.invalidValue('controller.quorum.voters', items.join(','), `Unable to parse ${item}: expected id@host:port`);
    }
    return { id: Number(match[1]), host: match[2]!.replace(/^\[|\]$/g, ''), port: Number(match[3]) };
  });
}

export function parseSecurityProtocolMap(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')) {
    const [name, protocol, extra] = entry.split(':').map((part) => part.trim());
    if (name === undefined || name === '' || protocol === undefined || protocol === '' || extra !== undefined) {
      throw ConfigError.invalidValue('listener.security.protocol.map', text, `Unable to parse ${entry}: expected NAME:PROTOCOL`);
    }
    map.set(name.toUpperCase(), protocol.toUpperCase());
  }
  return map;
}

export function formatEndpoint(endpoint: Endpoint): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${endpoint.name}://${host}:${endpoint.port}`;
}
