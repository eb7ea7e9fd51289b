// Security keys as Kafka names them, checked at start-up with errors that name the key.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../../harness/security/certificates.js';
import type { IssuedCertificate, CertificateAuthority } from '../../harness/security/certificates.js';
import { loadBrokerConfig } from '../config/broker-config.js';
import { ConfigError } from '../config/config-error.js';
import { scramCredential } from '@kafka-chaos/protocol';
import { clientSecurityFor, controllerClientSecurity, interBrokerClientSecurity } from './client-security.js';
import { parseJaasConfig } from './jaas-config.js';
import { parseScramCredentials } from './scram-credentials.js';

const dir = mkdtempSync(join(tmpdir(), 'broker-ts-security-config-'));
let ca: CertificateAuthority;
let node: IssuedCertificate;

beforeAll(() => {
  ca = createCertificateAuthority(dir, 'test-ca');
  node = issueCertificate(ca, 'node-1');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule';
const SCRAM = 'org.apache.kafka.common.security.scram.ScramLoginModule';

function secured(overrides: Record<string, string>) {
  return loadBrokerConfig(
    new Map(
      Object.entries({
        'node.id': '1',
        'process.roles': 'broker,controller',
        listeners: 'CLIENT://127.0.0.1:20001,REPL://127.0.0.1:20002,CONTROLLER://127.0.0.1:20003',
        'listener.security.protocol.map': 'CLIENT:SASL_SSL,REPL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT',
        'inter.broker.listener.name': 'REPL',
        'controller.listener.names': 'CONTROLLER',
        'controller.quorum.voters': '1@127.0.0.1:20003',
        'log.dirs': join(dir, 'data'),
        'ssl.keystore.type': 'PEM',
        'ssl.keystore.location': node.keyStoreFile,
        'ssl.truststore.type': 'PEM',
        'ssl.truststore.location': ca.certFile,
        'sasl.enabled.mechanisms': 'SCRAM-SHA-512,PLAIN',
        'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
        'sasl.mechanism.controller.protocol': 'PLAIN',
        'listener.name.controller.sasl.enabled.mechanisms': 'PLAIN',
        'listener.name.client.plain.sasl.jaas.config': `${PLAIN} required user_alice="alice-secret";`,
        'listener.name.repl.plain.sasl.jaas.config': `${PLAIN} required user_alice="alice-secret";`,
        'listener.name.repl.scram-sha-512.sasl.jaas.config': `${SCRAM} required username="broker" password="broker-secret";`,
        'listener.name.controller.plain.sasl.jaas.config': `${PLAIN} required username="controller" password="c-secret" user_controller="c-secret";`,
        'sasl.scram.credentials': 'SCRAM-SHA-512=[name=broker,password=broker-secret];SCRAM-SHA-256=[name=bob,password=b,iterations=8192]',
        ...overrides,
      }),
    ),
  );
}

function errorOf(overrides: Record<string, string>): string {
  try {
    secured(overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('listener security configuration', () => {
  it('reads protocols, PEM stores, mechanisms, users and logins per listener, with listener prefixes winning', () => {
    const { config, warnings } = secured({});
    const client = config.listenerSecurity.get('CLIENT')!;
    expect(client.protocol).toBe('SASL_SSL');
    expect(client.tls?.key).toMatch(/BEGIN PRIVATE KEY/);
    expect(client.tls?.cert).toContain(node.certPem.trim());
    expect(client.tls?.clientAuth).toBe('none');
    expect(client.sasl?.mechanisms).toEqual(['SCRAM-SHA-512', 'PLAIN']);
    expect([...client.sasl!.plainUsers]).toEqual([['alice', 'alice-secret']]);
    expect(config.listenerSecurity.get('CONTROLLER')!.sasl?.mechanisms).toEqual(['PLAIN']);
    expect(config.listenerSecurity.get('CONTROLLER')!.tls).toBeUndefined();
    expect(warnings.join('\n')).not.toMatch(/nobody can log in/);
    // As a client, this node logs in with the JAAS username and password of the listener and mechanism.
    expect(interBrokerClientSecurity(config).sasl).toEqual({ mechanism: 'SCRAM-SHA-512', username: 'broker', password: 'broker-secret' });
    expect(interBrokerClientSecurity(config).tls).toMatchObject({ ca: expect.stringContaining('BEGIN CERTIFICATE') });
    expect(controllerClientSecurity(config)).toEqual({ sasl: { mechanism: 'PLAIN', username: 'controller', password: 'c-secret' } });
    expect(() => clientSecurityFor(config, 'NOPE', 'PLAIN')).toThrow(/no listener named NOPE/);
  });

  it('asks for client certificates only where ssl.client.auth says so (prefixed on SASL_SSL, KIP-684)', () => {
    expect(secured({ 'ssl.client.auth': 'required' }).config.listenerSecurity.get('CLIENT')!.tls?.clientAuth).toBe('none');
    expect(secured({ 'listener.name.client.ssl.client.auth': 'required' }).config.listenerSecurity.get('CLIENT')!.tls?.clientAuth).toBe('required');
    const ssl = secured({ 'listener.security.protocol.map': 'CLIENT:SSL,REPL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT', 'ssl.client.auth': 'required' });
    expect(ssl.config.listenerSecurity.get('CLIENT')!.tls?.clientAuth).toBe('required');
  });

  it('refuses what it cannot serve, naming the key', () => {
    expect(errorOf({ 'ssl.keystore.type': 'JKS' })).toMatch(/configuration ssl\.keystore\.type: broker-ts reads PEM key stores only/);
    expect(errorOf({ 'ssl.keystore.location': join(dir, 'missing.pem') })).toMatch(/configuration ssl\.keystore\.location: cannot read it/);
    expect(errorOf({ 'ssl.keystore.location': ca.certFile })).toMatch(/exactly one private key, found 0/);
    expect(errorOf({ 'sasl.enabled.mechanisms': 'GSSAPI' })).toMatch(
      /sasl\.enabled\.mechanisms: broker-ts supports PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512, not GSSAPI/,
    );
    expect(errorOf({ 'listener.name.client.plain.sasl.jaas.config': `${SCRAM} required;` })).toMatch(
      /listener CLIENT enables PLAIN and needs a .*PlainLoginModule entry/,
    );
    expect(errorOf({ 'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-256' })).toMatch(
      /sasl\.mechanism\.inter\.broker\.protocol must be included in sasl\.enabled\.mechanisms of listener REPL/,
    );
    expect(errorOf({ 'listener.name.controller.plain.sasl.jaas.config': `${PLAIN} required user_controller="c";` })).toMatch(
      /needs username and password options in listener\.name\.controller\.plain\.sasl\.jaas\.config/,
    );
    expect(errorOf({ 'listener.name.client.plain.sasl.jaas.config': `${PLAIN} required user_alice="x` })).toMatch(
      /listener\.name\.client\.plain\.sasl\.jaas\.config: a quoted value is not closed/,
    );
    expect(errorOf({ 'sasl.scram.credentials': 'SCRAM-SHA-1=[name=a,password=b]' })).toMatch(
      /sasl\.scram\.credentials: expected MECHANISM=\[name=...,password=...\]/,
    );
    expect(errorOf({ 'listener.security.protocol.map': 'CLIENT:KERBEROS,REPL:SASL_SSL,CONTROLLER:PLAINTEXT' })).toMatch(
      /KERBEROS is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL/,
    );
    expect(
      errorOf({
        'ssl.client.auth': 'required',
        'listener.security.protocol.map': 'CLIENT:SSL,REPL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT',
        'ssl.truststore.location': '',
      }),
    ).toMatch(/listener CLIENT asks for client certificates but has no trust store/);
  });

  it('warns when a SCRAM mechanism is enabled without users', () => {
    const { warnings } = secured({
      'sasl.scram.credentials': 'SCRAM-SHA-512=[name=broker,password=broker-secret]',
      'sasl.enabled.mechanisms': 'SCRAM-SHA-512,SCRAM-SHA-256,PLAIN',
    });
    expect(warnings.join('\n')).toMatch(/listener CLIENT enables SCRAM-SHA-256 but sasl\.scram\.credentials holds no SCRAM-SHA-256 users/);
  });

  it('reads inline PEM stores (ssl.keystore.key, ssl.keystore.certificate.chain, ssl.truststore.certificates)', () => {
    const { config } = secured({
      'ssl.keystore.location': '',
      'ssl.truststore.location': '',
      'ssl.keystore.key': node.keyPem,
      'ssl.keystore.certificate.chain': node.certPem,
      'ssl.truststore.certificates': ca.certPem,
    });
    const tls = config.listenerSecurity.get('REPL')!.tls!;
    expect(tls.key).toBe(node.keyPem.trim());
    expect(tls.ca).toBe(ca.certPem.trim());
  });
});

describe('JAAS and SCRAM credential values', () => {
  it('parses a login module entry with quoted and bare options', () => {
    const entry = parseJaasConfig(`${PLAIN} required username="ad\\"min" password=secret user_admin="s;e=c";`);
    expect(entry.loginModule).toBe(PLAIN);
    expect(entry.controlFlag).toBe('required');
    expect([...entry.options]).toEqual([
      ['username', 'ad"min'],
      ['password', 'secret'],
      ['user_admin', 's;e=c'],
    ]);
    expect(() => parseJaasConfig(`${PLAIN} required a="b"`)).toThrow(/ended/);
    expect(() => parseJaasConfig(`${PLAIN} maybe;`)).toThrow(/control flag/);
    expect(() => parseJaasConfig(`${PLAIN} required; ${PLAIN} required;`)).toThrow(/exactly one login module/);
  });

  it('derives SCRAM credentials from passwords, or takes salted passwords as --add-scram does', () => {
    const store = parseScramCredentials('SCRAM-SHA-256=[name=alice,password=alice-secret,iterations=8192]; SCRAM-SHA-512=[name="bob",password=b]');
    const alice = store.get('SCRAM-SHA-256')!.get('alice')!;
    expect(alice.iterations).toBe(8192);
    const again = scramCredential('SCRAM-SHA-256', 'alice-secret', 8192, alice.salt);
    expect(again.storedKey.equals(alice.storedKey)).toBe(true);
    expect(store.get('SCRAM-SHA-512')!.has('bob')).toBe(true);
    expect(() => parseScramCredentials('SCRAM-SHA-256=[name=a,password=b,iterations=10]')).toThrow(/at least 4096/);
    expect(() => parseScramCredentials('SCRAM-SHA-256=[password=b]')).toThrow(/names no user/);
  });
});
