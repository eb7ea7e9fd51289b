// The security a cluster runs with (`--security`), the same on Kafka and broker-ts, as Kafka's own
// replication system tests run it: every listener (client, replication, controller and the
// harness's own) uses the chosen protocol, so no path into the cluster stays open.
//
//   plaintext       no TLS, no SASL (the default)
//   ssl             TLS with client certificates required (ssl.client.auth=required): only holders of
//                   a certificate from the run's CA connect; nodes present theirs to each other
//   sasl_plaintext  SASL without TLS
//   sasl_ssl        SASL over TLS (server certificates only; SASL says who the client is)
//
// SASL: clients, the harness and replication use the chosen mechanism (SCRAM-SHA-512 by default);
// the controller listener uses PLAIN, because a KRaft controller cannot use SCRAM (its credentials
// live in the metadata log the controllers themselves serve). Users: `broker` (the nodes, to each
// other and to the controllers) and `kafka-chaos` (every client of the harness), with passwords
// made up per run. Kafka gets the SCRAM users with `kafka-storage format --add-scram`, broker-ts
// with its key sasl.scram.credentials.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import type { SaslMechanism, WireClientOptions } from '@kafka-chaos/protocol';
import { HarnessError } from '../errors.js';
import { createCertificateAuthority, issueCertificate } from './certificates.js';
import type { IssuedCertificate } from './certificates.js';

export type SecurityMode = 'plaintext' | 'ssl' | 'sasl_plaintext' | 'sasl_ssl';
export const SECURITY_MODES: readonly SecurityMode[] = ['plaintext', 'ssl', 'sasl_plaintext', 'sasl_ssl'];
export const SASL_MECHANISM_CHOICES: readonly SaslMechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

export interface SecuritySettings {
  mode: SecurityMode;
  /** For the SASL modes: what clients and replication authenticate with. */
  mechanism: SaslMechanism;
}

export const PLAINTEXT: SecuritySettings = { mode: 'plaintext', mechanism: 'SCRAM-SHA-512' };

export function parseSecurityMode(value: string | undefined): SecurityMode {
  const mode = (value ?? 'plaintext').toLowerCase();
  if (!(SECURITY_MODES as readonly string[]).includes(mode)) throw new HarnessError(`--security: expected ${SECURITY_MODES.join(', ')}, got "${value}"`);
  return mode as SecurityMode;
}

export function parseSaslMechanism(value: string | undefined): SaslMechanism {
  const mechanism = (value ?? 'SCRAM-SHA-512').toUpperCase();
  if (!(SASL_MECHANISM_CHOICES as readonly string[]).includes(mechanism)) {
    throw new HarnessError(`--sasl-mechanism: expected ${SASL_MECHANISM_CHOICES.join(', ')}, got "${value}"`);
  }
  return mechanism as SaslMechanism;
}

/**
 * What every client of the harness needs to reach a cluster: plain data (PEM text, names), so it
 * can be handed to client processes as JSON.
 */
export interface ClientSecurity {
  mode: SecurityMode;
  /** Trust the run's CA (PEM, and its file for tools); present a certificate where listeners require one. */
  tls?: { ca: string; caFile?: string; cert?: string; key?: string; keyStoreFile?: string };
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
}

export const PLAINTEXT_CLIENT: ClientSecurity = { mode: 'plaintext' };

const PROTOCOLS: Record<SecurityMode, string> = { plaintext: 'PLAINTEXT', ssl: 'SSL', sasl_plaintext: 'SASL_PLAINTEXT', sasl_ssl: 'SASL_SSL' };
const PLAIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';
const SCRAM_MODULE = 'org.apache.kafka.common.security.scram.ScramLoginModule';
export const BROKER_USER = 'broker';
export const CLIENT_USER = 'kafka-chaos';

function password(): string {
  return randomBytes(18).toString('base64url');
}

/** The certificates, users and per-node properties of one cluster's security. */
export class ClusterSecurity {
  private readonly nodeCertificates = new Map<number, IssuedCertificate>();
  private readonly brokerPassword = password();
  private readonly clientPassword = password();
  private caFile = '';
  readonly client: ClientSecurity;

  /**
   * Makes the run's CA and certificates in `dir` (the cluster's temp dir) when the mode uses TLS.
   * `listeners` are the server.properties names of every listener, controller first.
   */
  constructor(
    readonly settings: SecuritySettings,
    /** Where the certificates and keys are made (the cluster's temp dir). */
    readonly dir: string,
    nodeIds: readonly number[],
    private readonly listeners: { client: string; replication: string; controller: string; harness: string },
    /** The IP addresses clients and other nodes reach each node at besides loopback (a container's, its proxies'). */
    nodeAddresses: (nodeId: number) => readonly string[] = () => [],
  ) {
    const client: ClientSecurity = { mode: settings.mode };
    if (this.usesTls) {
      mkdirSync(dir, { recursive: true });
      const ca = createCertificateAuthority(dir, `kafka-chaos CA ${randomBytes(4).toString('hex')}`);
      this.caFile = ca.certFile;
      for (const id of nodeIds) this.nodeCertificates.set(id, issueCertificate(ca, `node-${id}`, nodeAddresses(id)));
      client.tls = { ca: ca.certPem, caFile: ca.certFile };
      if (settings.mode === 'ssl') {
        const certificate = issueCertificate(ca, CLIENT_USER);
        client.tls = { ...client.tls, cert: certificate.certPem, key: certificate.keyPem, keyStoreFile: certificate.keyStoreFile };
      }
    }
    if (this.usesSasl) client.sasl = { mechanism: settings.mechanism, username: CLIENT_USER, password: this.clientPassword };
    this.client = client;
  }

  get usesTls(): boolean {
    return this.settings.mode === 'ssl' || this.settings.mode === 'sasl_ssl';
  }

  get usesSasl(): boolean {
    return this.settings.mode === 'sasl_plaintext' || this.settings.mode === 'sasl_ssl';
  }

  /**
   * The keys both brokers read (Kafka's names), for one node; `pathInNode` maps a file of `dir` to
   * where the node finds it (a container mounts `dir` elsewhere).
   */
  nodeProperties(nodeId: number, pathInNode: (file: string) => string = (file) => file): Record<string, string> {
    const protocol = PROTOCOLS[this.settings.mode];
    const { client, replication, controller, harness } = this.listeners;
    const props: Record<string, string> = {
      'listener.security.protocol.map': [client, replication, controller, harness].map((l) => `${l}:${protocol}`).join(','),
    };
    if (this.usesTls) {
      const certificate = this.nodeCertificates.get(nodeId);
      if (certificate === undefined) throw new Error(`no certificate for node ${nodeId}`);
      Object.assign(props, {
        'ssl.keystore.type': 'PEM',
        'ssl.keystore.location': pathInNode(certificate.keyStoreFile),
        'ssl.truststore.type': 'PEM',
        'ssl.truststore.location': pathInNode(this.caFile),
        'ssl.endpoint.identification.algorithm': 'https',
      });
      if (this.settings.mode === 'ssl') props['ssl.client.auth'] = 'required';
    }
    if (this.usesSasl) {
      const mechanism = this.settings.mechanism;
      const users = { [BROKER_USER]: this.brokerPassword, [CLIENT_USER]: this.clientPassword };
      const plainUsers = Object.entries(users)
        .map(([name, secret]) => `user_${name}="${secret}"`)
        .join(' ');
      const login = `username="${BROKER_USER}" password="${this.brokerPassword}"`;
      const jaas = (module: string, options: string) => `${module} required${options ? ` ${options}` : ''};`;
      const prefix = (listener: string) => `listener.name.${listener.toLowerCase()}.`;
      const dataModule = mechanism === 'PLAIN' ? PLAIN_MODULE : SCRAM_MODULE;
      const dataUsers = mechanism === 'PLAIN' ? plainUsers : '';
      Object.assign(props, {
        'sasl.enabled.mechanisms': mechanism,
        'sasl.mechanism.inter.broker.protocol': mechanism,
        'sasl.mechanism.controller.protocol': 'PLAIN',
        [`${prefix(controller)}sasl.enabled.mechanisms`]: 'PLAIN',
        [`${prefix(controller)}plain.sasl.jaas.config`]: jaas(PLAIN_MODULE, `${login} user_${BROKER_USER}="${this.brokerPassword}"`),
        [`${prefix(replication)}${mechanism.toLowerCase()}.sasl.jaas.config`]: jaas(dataModule, [login, dataUsers].filter(Boolean).join(' ')),
        [`${prefix(client)}${mechanism.toLowerCase()}.sasl.jaas.config`]: jaas(dataModule, dataUsers),
        [`${prefix(harness)}${mechanism.toLowerCase()}.sasl.jaas.config`]: jaas(dataModule, dataUsers),
      });
    }
    return props;
  }

  /** SCRAM users in the syntax of `kafka-storage format --add-scram` (empty unless the mechanism is SCRAM). */
  scramUsers(): string[] {
    if (!this.usesSasl || this.settings.mechanism === 'PLAIN') return [];
    const m = this.settings.mechanism;
    return [`${m}=[name=${BROKER_USER},password=${this.brokerPassword}]`, `${m}=[name=${CLIENT_USER},password=${this.clientPassword}]`];
  }

  /** `kafka-storage format` arguments that store the SCRAM users in the metadata log. */
  kafkaFormatArgs(): string[] {
    return this.scramUsers().flatMap((user) => ['--add-scram', user]);
  }

  /** broker-ts keeps SCRAM users in a key of its own. */
  brokerTsProperties(): Record<string, string> {
    const users = this.scramUsers();
    return users.length === 0 ? {} : { 'sasl.scram.credentials': users.join(';') };
  }
}

/** kafkajs `ssl` and `sasl` options for a client of the harness. */
export function kafkajsSecurity(security: ClientSecurity | undefined): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  if (security === undefined) return {};
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (security.tls !== undefined) {
    out.ssl = { ca: [security.tls.ca], ...(security.tls.cert !== undefined ? { cert: security.tls.cert, key: security.tls.key! } : {}) };
  }
  if (security.sasl !== undefined) {
    const { mechanism, username, password: secret } = security.sasl;
    out.sasl = { mechanism: mechanism.toLowerCase(), username, password: secret } as SASLOptions;
  }
  return out;
}

/** Wire client `tls` and `sasl` options for a client of the harness. */
export function wireClientSecurity(security: ClientSecurity | undefined): Pick<WireClientOptions, 'tls' | 'sasl'> {
  if (security === undefined) return {};
  return {
    ...(security.tls !== undefined
      ? { tls: { ca: security.tls.ca, ...(security.tls.cert !== undefined ? { cert: security.tls.cert, key: security.tls.key! } : {}) } }
      : {}),
    ...(security.sasl !== undefined ? { sasl: { ...security.sasl } } : {}),
  };
}
