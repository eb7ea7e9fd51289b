// Who may connect to each listener, from Kafka's keys: the security protocol of the listener
// (listener.security.protocol.map), its TLS material (ssl.keystore.* / ssl.truststore.*, PEM only),
// its SASL mechanisms (sasl.enabled.mechanisms) with their users (PLAIN: the user_<name> entries of
// the listener's JAAS config; SCRAM: sasl.scram.credentials), and the credentials this node
// presents when it is the client on that listener (the JAAS username and password).
//
// Keys can be set per listener with Kafka's prefix, which wins over the plain key:
//   listener.name.<listener, lower case>.ssl.keystore.location=...
//   listener.name.<listener, lower case>.<mechanism, lower case>.sasl.jaas.config=...
// Everything is read and checked at start-up, so a missing file or a bad key is a ConfigError
// naming the key, not a failed handshake later.
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { ConfigError } from '../config/config-error.js';
import type { ConfigValue } from '../config/config-key.js';
import { isSaslMechanism, isScramMechanism } from '@kafka-chaos/protocol';
import type { SaslMechanism } from '@kafka-chaos/protocol';
import { JaasConfigError, PLAIN_LOGIN_MODULE, SCRAM_LOGIN_MODULE, parseJaasConfig } from './jaas-config.js';
import type { JaasEntry } from './jaas-config.js';
import { ScramCredentialsError, parseScramCredentials } from './scram-credentials.js';
import type { ScramCredentialStore } from './scram-credentials.js';

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
export const SECURITY_PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

export type ClientAuth = 'required' | 'requested' | 'none';
type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

export interface TlsSettings {
  /** The private key and the certificate chain this node presents (PEM); absent only for a client without a key store. */
  key: string | undefined;
  cert: string | undefined;
  passphrase: string | undefined;
  /** Certificates trusted to sign peers' certificates (PEM); the system's when undefined. */
  ca: string | undefined;
  /** Whether clients must (required) or may (requested) present a certificate signed by `ca`. */
  clientAuth: ClientAuth;
  minVersion: TlsVersion;
  maxVersion: TlsVersion;
  /** ssl.endpoint.identification.algorithm=https: as a client, check that the peer's certificate names the host. */
  verifyHostname: boolean;
}

export interface SaslLogin {
  username: string;
  password: string;
}

export interface SaslSettings {
  /** Enabled on the listener, in the order configured (SaslHandshake lists them so). */
  mechanisms: readonly SaslMechanism[];
  /** PLAIN users and their passwords (user_<name>="<password>" in the listener's PLAIN JAAS config). */
  plainUsers: ReadonlyMap<string, string>;
  scramCredentials: ScramCredentialStore;
  /** What this node sends when it connects to the listener itself (inter-broker, controller). */
  logins: ReadonlyMap<SaslMechanism, SaslLogin>;
}

export interface ListenerSecurity {
  listenerName: string;
  protocol: SecurityProtocol;
  /** For SSL and SASL_SSL listeners. */
  tls: TlsSettings | undefined;
  /** For SASL_PLAINTEXT and SASL_SSL listeners. */
  sasl: SaslSettings | undefined;
}

/** Reads a key for a listener: the listener-prefixed value if set, else the plain key's value or default. */
export type ListenerConfigLookup = (listenerName: string, key: string) => ConfigValue | null;

export function listenerPrefix(listenerName: string): string {
  return `listener.name.${listenerName.toLowerCase()}.`;
}

export function protocolOf(listenerName: string, protocolMap: ReadonlyMap<string, string>, controllerListenerNames: readonly string[]): SecurityProtocol {
  // As in KafkaConfig: a controller listener missing from the map is PLAINTEXT; another name must be mapped or be a protocol name.
  const protocol =
    protocolMap.get(listenerName) ??
    (controllerListenerNames.includes(listenerName)
      ? 'PLAINTEXT'
      : (SECURITY_PROTOCOLS as readonly string[]).includes(listenerName)
        ? listenerName
        : undefined);
  if (protocol === undefined)
    throw ConfigError.invalidValue(
      'listener.security.protocol.map',
      [...protocolMap].map(([l, p]) => `${l}:${p}`).join(','),
      `No security protocol defined for listener ${listenerName}`,
    );
  if (!(SECURITY_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw ConfigError.invalidValue(
      'listener.security.protocol.map',
      `${listenerName}:${protocol}`,
      `${protocol} is not one of ${SECURITY_PROTOCOLS.join(', ')}`,
    );
  }
  return protocol as SecurityProtocol;
}

export interface SecurityInputs {
  listenerNames: readonly string[];
  protocolMap: ReadonlyMap<string, string>;
  controllerListenerNames: readonly string[];
  lookup: ListenerConfigLookup;
  /** Every property as given, for the listener-prefixed JAAS keys. */
  properties: ReadonlyMap<string, string>;
  /** Problems that do not stop the broker (an enabled SCRAM mechanism with no users). */
  warnings: string[];
}

export function resolveListenerSecurity(inputs: SecurityInputs): Map<string, ListenerSecurity> {
  const scramText = inputs.lookup('', 'sasl.scram.credentials') as string | null;
  let scramCredentials: ScramCredentialStore = new Map();
  if (scramText !== null && scramText !== '') {
    try {
      scramCredentials = parseScramCredentials(scramText);
    } catch (error) {
      if (error instanceof ScramCredentialsError) throw ConfigError.invalidValue('sasl.scram.credentials', '[hidden]', error.message);
      throw error;
    }
  }
  const result = new Map<string, ListenerSecurity>();
  for (const listenerName of inputs.listenerNames) {
    const protocol = protocolOf(listenerName, inputs.protocolMap, inputs.controllerListenerNames);
    const usesTls = protocol === 'SSL' || protocol === 'SASL_SSL';
    const usesSasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
    result.set(listenerName, {
      listenerName,
      protocol,
      tls: usesTls ? resolveTls(listenerName, protocol, inputs) : undefined,
      sasl: usesSasl ? resolveSasl(listenerName, inputs, scramCredentials) : undefined,
    });
  }
  return result;
}

function resolveTls(listenerName: string, protocol: SecurityProtocol, inputs: SecurityInputs): TlsSettings {
  const { lookup } = inputs;
  // An empty value is no value, as in a properties file that blanks a key out.
  const key = (name: string) => (lookup(listenerName, name) as string | null) || null;
  const keyName = (name: string) => (inputs.properties.has(listenerPrefix(listenerName) + name) ? listenerPrefix(listenerName) + name : name);
  const store = readKeyStore(listenerName, key, keyName);
  const ca = readTrustStore(key, keyName);
  // KIP-684: on SASL_SSL listeners only a listener-prefixed ssl.client.auth asks for client certificates.
  const clientAuthKey = listenerPrefix(listenerName) + 'ssl.client.auth';
  const clientAuthValue = protocol === 'SSL' ? key('ssl.client.auth') : (inputs.properties.get(clientAuthKey)?.trim() ?? 'none');
  const clientAuth = (clientAuthValue ?? 'none').toLowerCase();
  if (!['required', 'requested', 'none'].includes(clientAuth)) {
    throw ConfigError.invalidValue(keyName('ssl.client.auth'), clientAuth, 'String must be one of: required, requested, none');
  }
  if (clientAuth !== 'none' && ca === undefined) {
    throw ConfigError.invalidValue(
      keyName('ssl.client.auth'),
      clientAuth,
      `listener ${listenerName} asks for client certificates but has no trust store (ssl.truststore.location or ssl.truststore.certificates)`,
    );
  }
  const protocols = ((lookup(listenerName, 'ssl.enabled.protocols') as readonly string[] | null) ?? []).filter((p) => p !== '');
  const versions = protocols.filter((p): p is TlsVersion => p === 'TLSv1.2' || p === 'TLSv1.3');
  if (versions.length === 0) {
    throw ConfigError.invalidValue(keyName('ssl.enabled.protocols'), protocols.join(','), 'broker-ts supports TLSv1.2 and TLSv1.3; enable at least one');
  }
  const settings: TlsSettings = {
    ...store,
    ca,
    clientAuth: clientAuth as ClientAuth,
    minVersion: versions.includes('TLSv1.2') ? 'TLSv1.2' : 'TLSv1.3',
    maxVersion: versions.includes('TLSv1.3') ? 'TLSv1.3' : 'TLSv1.2',
    verifyHostname: (key('ssl.endpoint.identification.algorithm') ?? '').toLowerCase() === 'https',
  };
  try {
    createSecureContext(secureContextOptions(settings));
  } catch (error) {
    throw ConfigError.invalidValue(
      keyName('ssl.keystore.location'),
      key('ssl.keystore.location') ?? '(inline PEM)',
      `listener ${listenerName}: the key store or trust store is not usable: ${(error as Error).message}`,
    );
  }
  return settings;
}

/** node:tls options for a secure context built from these settings (server or client side). */
export function secureContextOptions(settings: TlsSettings) {
  return {
    ...(settings.key !== undefined ? { key: settings.key } : {}),
    ...(settings.cert !== undefined ? { cert: settings.cert } : {}),
    ...(settings.passphrase !== undefined ? { passphrase: settings.passphrase } : {}),
    ...(settings.ca !== undefined ? { ca: settings.ca } : {}),
    minVersion: settings.minVersion,
    maxVersion: settings.maxVersion,
  };
}

const PRIVATE_KEY_BLOCK = /-----BEGIN (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----/g;
const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function readKeyStore(
  listenerName: string,
  key: (name: string) => string | null,
  keyName: (name: string) => string,
): Pick<TlsSettings, 'key' | 'cert' | 'passphrase'> {
  const type = (key('ssl.keystore.type') ?? 'JKS').toUpperCase();
  const location = key('ssl.keystore.location');
  const inlineKey = key('ssl.keystore.key');
  const inlineChain = key('ssl.keystore.certificate.chain');
  if (location === null && inlineKey === null) {
    throw ConfigError.invalidValue(
      keyName('ssl.keystore.location'),
      'null',
      `listener ${listenerName} uses TLS and needs a key store: set ssl.keystore.type=PEM and ssl.keystore.location (a PEM file with the private key and certificate chain)`,
    );
  }
  if (type !== 'PEM') {
    throw ConfigError.invalidValue(keyName('ssl.keystore.type'), type, 'broker-ts reads PEM key stores only: set ssl.keystore.type=PEM');
  }
  const text = location !== null ? readPem(keyName('ssl.keystore.location'), location) : `${inlineKey}\n${inlineChain ?? ''}`;
  const keys = text.match(PRIVATE_KEY_BLOCK) ?? [];
  const certs = text.match(CERTIFICATE_BLOCK) ?? [];
  const where = location ?? 'ssl.keystore.key / ssl.keystore.certificate.chain';
  if (keys.length !== 1)
    throw ConfigError.invalidValue(keyName('ssl.keystore.location'), where, `a PEM key store holds exactly one private key, found ${keys.length}`);
  if (certs.length === 0) throw ConfigError.invalidValue(keyName('ssl.keystore.location'), where, 'the PEM key store holds no certificate');
  return { key: keys[0], cert: certs.join('\n'), passphrase: key('ssl.key.password') ?? undefined };
}

function readTrustStore(key: (name: string) => string | null, keyName: (name: string) => string): string | undefined {
  const location = key('ssl.truststore.location');
  const inline = key('ssl.truststore.certificates');
  if (location === null && inline === null) return undefined;
  const type = (key('ssl.truststore.type') ?? 'JKS').toUpperCase();
  if (type !== 'PEM')
    throw ConfigError.invalidValue(keyName('ssl.truststore.type'), type, 'broker-ts reads PEM trust stores only: set ssl.truststore.type=PEM');
  const text = location !== null ? readPem(keyName('ssl.truststore.location'), location) : inline!;
  const certs = text.match(CERTIFICATE_BLOCK) ?? [];
  if (certs.length === 0)
    throw ConfigError.invalidValue(keyName('ssl.truststore.location'), location ?? 'ssl.truststore.certificates', 'the PEM trust store holds no certificate');
  return certs.join('\n');
}

function readPem(keyName: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw ConfigError.invalidValue(keyName, file, `cannot read it: ${(error as Error).message}`);
  }
}

function resolveSasl(listenerName: string, inputs: SecurityInputs, scramCredentials: ScramCredentialStore): SaslSettings {
  const enabledKey = inputs.properties.has(listenerPrefix(listenerName) + 'sasl.enabled.mechanisms')
    ? listenerPrefix(listenerName) + 'sasl.enabled.mechanisms'
    : 'sasl.enabled.mechanisms';
  const names = ((inputs.lookup(listenerName, 'sasl.enabled.mechanisms') as readonly string[] | null) ?? []).map((m) => m.toUpperCase());
  if (names.length === 0) throw ConfigError.invalidValue(enabledKey, '', `listener ${listenerName} uses SASL and needs at least one mechanism`);
  const unsupported = names.filter((m) => !isSaslMechanism(m));
  if (unsupported.length > 0) {
    throw ConfigError.invalidValue(enabledKey, names.join(','), `broker-ts supports PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512, not ${unsupported.join(', ')}`);
  }
  const mechanisms = names as SaslMechanism[];
  let plainUsers = new Map<string, string>();
  const logins = new Map<SaslMechanism, SaslLogin>();
  for (const mechanism of mechanisms) {
    const jaas = jaasFor(listenerName, mechanism, inputs);
    if (mechanism === 'PLAIN') {
      if (jaas === undefined || jaas.entry.loginModule !== PLAIN_LOGIN_MODULE) {
        throw ConfigError.invalidValue(
          `${listenerPrefix(listenerName)}plain.sasl.jaas.config`,
          jaas === undefined ? 'null' : '[hidden]',
          `listener ${listenerName} enables PLAIN and needs a ${PLAIN_LOGIN_MODULE} entry with user_<name>="<password>" options`,
        );
      }
      plainUsers = new Map([...jaas.entry.options].filter(([k]) => k.startsWith('user_')).map(([k, v]) => [k.slice('user_'.length), v]));
      if (plainUsers.size === 0)
        inputs.warnings.push(`listener ${listenerName} enables PLAIN but its JAAS config (${jaas.key}) names no user_<name> entries: nobody can log in`);
    } else if (isScramMechanism(mechanism)) {
      if (jaas !== undefined && jaas.entry.loginModule !== SCRAM_LOGIN_MODULE) {
        throw ConfigError.invalidValue(jaas.key, '[hidden]', `the JAAS config for ${mechanism} must use ${SCRAM_LOGIN_MODULE}`);
      }
      if ((scramCredentials.get(mechanism)?.size ?? 0) === 0) {
        inputs.warnings.push(`listener ${listenerName} enables ${mechanism} but sasl.scram.credentials holds no ${mechanism} users: nobody can log in`);
      }
    }
    const username = jaas?.entry.options.get('username');
    const password = jaas?.entry.options.get('password');
    if (username !== undefined && password !== undefined) logins.set(mechanism, { username, password });
  }
  return { mechanisms, plainUsers, scramCredentials, logins };
}

function jaasFor(listenerName: string, mechanism: SaslMechanism, inputs: SecurityInputs): { key: string; entry: JaasEntry } | undefined {
  const prefixed = `${listenerPrefix(listenerName)}${mechanism.toLowerCase()}.sasl.jaas.config`;
  const key = inputs.properties.has(prefixed) ? prefixed : inputs.properties.has('sasl.jaas.config') ? 'sasl.jaas.config' : undefined;
  if (key === undefined) return undefined;
  try {
    return { key, entry: parseJaasConfig(inputs.properties.get(key)!) };
  } catch (error) {
    if (error instanceof JaasConfigError) throw ConfigError.invalidValue(key, '[hidden]', error.message);
    throw error;
  }
}

/**
 * The SASL mechanism this node uses as a client on a listener (sasl.mechanism.inter.broker.protocol
 * for the inter-broker listener, sasl.mechanism.controller.protocol for the controller listener):
 * checked to be enabled there and to have a JAAS username and password.
 */
export function checkClientMechanism(key: string, mechanism: string, security: ListenerSecurity | undefined): void {
  if (security?.sasl === undefined) return;
  const name = mechanism.toUpperCase();
  if (!security.sasl.mechanisms.includes(name as SaslMechanism)) {
    throw ConfigError.invalidValue(
      key,
      mechanism,
      `${key} must be included in sasl.enabled.mechanisms of listener ${security.listenerName} (${security.sasl.mechanisms.join(',')}) when it uses SASL`,
    );
  }
  if (!security.sasl.logins.has(name as SaslMechanism)) {
    throw ConfigError.invalidValue(
      key,
      mechanism,
      `listener ${security.listenerName} needs username and password options in ${listenerPrefix(security.listenerName)}${name.toLowerCase()}.sasl.jaas.config: this node logs in with them as a client`,
    );
  }
}
