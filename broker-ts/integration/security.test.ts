// Who may connect: a broker-ts process with SASL_SSL, SSL (client certificates required) and
// SASL_PLAINTEXT listeners configured with Kafka's keys, driven by kafkajs and the wire client.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../../harness/security/certificates.js';
import type { CertificateAuthority, IssuedCertificate } from '../../harness/security/certificates.js';
import { loadBrokerConfig } from '../config/broker-config.js';
import { readPropertiesFile } from '../config/properties-file.js';
import {
  ApiKey,
  ErrorCode,
  FrameDecoder,
  SaslAuthenticationError,
  WireClient,
  encodePlainToken,
  encodeRecordBatch,
  encodeRequest,
} from '@kafka-chaos/protocol';
import { controllerClientSecurity, interBrokerClientSecurity } from '../security/client-security.js';
import { BrokerProcess } from '../testing/broker-process.js';
import { freePort } from '../testing/free-port.js';
import { eventually, kafkaClient } from '../testing/kafkajs.js';

const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule';
const SCRAM = 'org.apache.kafka.common.security.scram.ScramLoginModule';
const certDir = mkdtempSync(join(tmpdir(), 'broker-ts-security-'));
let ca: CertificateAuthority;
let client: IssuedCertificate;
let node: BrokerProcess;
const ports = { client: 0, mtls: 0, repl: 0, controller: 0 };

beforeAll(async () => {
  ca = createCertificateAuthority(certDir, 'broker-ts-test-ca');
  const server = issueCertificate(ca, 'node-1');
  client = issueCertificate(ca, 'kafka-chaos-client');
  for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
  node = await BrokerProcess.start({
    ports: { client: ports.client, controller: ports.controller },
    clientSecurity: { tls: { ca: ca.certPem }, sasl: { mechanism: 'PLAIN', username: 'alice', password: 'alice-secret' } },
    properties: {
      listeners: `CLIENT://127.0.0.1:${ports.client},MTLS://127.0.0.1:${ports.mtls},REPL://127.0.0.1:${ports.repl},CONTROLLER://127.0.0.1:${ports.controller}`,
      'advertised.listeners': `CLIENT://127.0.0.1:${ports.client},MTLS://127.0.0.1:${ports.mtls},REPL://127.0.0.1:${ports.repl}`,
      'listener.security.protocol.map': 'CLIENT:SASL_SSL,MTLS:SSL,REPL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT',
      'inter.broker.listener.name': 'REPL',
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': server.keyStoreFile,
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': ca.certFile,
      'listener.name.mtls.ssl.client.auth': 'required',
      'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
      'listener.name.repl.sasl.enabled.mechanisms': 'SCRAM-SHA-512',
      'listener.name.controller.sasl.enabled.mechanisms': 'PLAIN',
      'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
      'sasl.mechanism.controller.protocol': 'PLAIN',
      'listener.name.client.plain.sasl.jaas.config': `${PLAIN} required user_alice="alice-secret";`,
      'listener.name.repl.scram-sha-512.sasl.jaas.config': `${SCRAM} required username="broker" password="broker-secret";`,
      'listener.name.controller.plain.sasl.jaas.config': `${PLAIN} required username="controller" password="controller-secret" user_controller="controller-secret";`,
      'sasl.scram.credentials':
        'SCRAM-SHA-256=[name=bob,password=bob-secret];SCRAM-SHA-512=[name=carol,password=carol-secret];SCRAM-SHA-512=[name=broker,password=broker-secret]',
      'sasl.server.max.receive.size': '4096',
      'connection.failed.authentication.delay.ms': '300',
    },
  });
});

afterAll(async () => {
  await node?.destroy();
  rmSync(certDir, { recursive: true, force: true });
});

const saslSsl = (mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512', username: string, password: string) => ({
  ssl: { ca: [ca.certPem] },
  sasl: { mechanism, username, password } as never,
});

describe('SASL_SSL, SSL and SASL_PLAINTEXT listeners', () => {
  it('serves kafkajs with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 over TLS', async () => {
    for (const [mechanism, username, password] of [
      ['plain', 'alice', 'alice-secret'],
      ['scram-sha-256', 'bob', 'bob-secret'],
      ['scram-sha-512', 'carol', 'carol-secret'],
    ] as const) {
      const kafka = kafkaClient(`127.0.0.1:${ports.client}`, saslSsl(mechanism, username, password));
      const topic = `secured-${mechanism}`;
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
      await admin.disconnect();
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ value: `hello ${username}` }] });
      await producer.disconnect();
      const consumer = kafka.consumer({ groupId: `g-${mechanism}`, maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const seen: string[] = [];
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
      await eventually(
        () => seen,
        (s) => s.length > 0,
      );
      await consumer.disconnect();
      expect(seen).toEqual([`hello ${username}`]);
    }
  });

  it("refuses wrong credentials with SASL_AUTHENTICATION_FAILED and Kafka's message, then closes", async () => {
    const kafka = kafkaClient(`127.0.0.1:${ports.client}`, { ...saslSsl('scram-sha-512', 'carol', 'wrong'), retry: { retries: 0 } });
    const admin = kafka.admin();
    await expect(admin.connect()).rejects.toThrow(/invalid credentials with SASL mechanism SCRAM-SHA-512/);
    for (const sasl of [
      { mechanism: 'PLAIN', username: 'alice', password: 'wrong' },
      { mechanism: 'PLAIN', username: 'mallory', password: 'alice-secret' },
      { mechanism: 'SCRAM-SHA-256', username: 'nobody', password: 'x' },
    ] as const) {
      const started = Date.now();
      const error = await WireClient.connect({ host: '127.0.0.1', port: ports.client, tls: { ca: ca.certPem }, sasl }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SaslAuthenticationError);
      expect((error as SaslAuthenticationError).errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
      expect((error as Error).message).toMatch(sasl.mechanism === 'PLAIN' ? /^Authentication failed: Invalid username or password$/ : /invalid credentials/);
      expect(Date.now() - started).toBeLessThan(5000);
    }
    const unknown = await WireClient.connect({
      host: '127.0.0.1',
      port: ports.client,
      tls: { ca: ca.certPem },
      sasl: { mechanism: 'SCRAM-SHA-256', username: 'x', password: 'y' },
    })
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(SaslAuthenticationError);
    expect(node.log()).toMatch(/Failed authentication with \/127\.0\.0\.1 \(Authentication failed: Invalid username or password\)/);
  });

  it('serves nothing but ApiVersions and the SASL exchange before authentication', async () => {
    for (const [apiKey, body] of [
      [ApiKey.Metadata, { topics: null }],
      [ApiKey.ListGroups, {}],
      [ApiKey.DescribeConfigs, { resources: [{ resourceType: 4, resourceName: '1', configurationKeys: null }] }],
    ] as const) {
      const wire = await WireClient.connect({ host: '127.0.0.1', port: ports.client, tls: { ca: ca.certPem }, requestTimeoutMs: 5000 });
      await expect(wire.send(apiKey as never, 1, body as never)).rejects.toThrow(/closed/);
      await wire.close();
    }
    // ApiVersions first is fine; a Metadata request after it still is not.
    const wire = await WireClient.connect({ host: '127.0.0.1', port: ports.client, tls: { ca: ca.certPem }, requestTimeoutMs: 5000 });
    expect((await wire.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' })).errorCode).toBe(ErrorCode.NONE);
    await expect(wire.send(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).rejects.toThrow(
      /closed/,
    );
    expect(node.log()).toMatch(/Unexpected Kafka request of type Metadata during SASL handshake/);
  });

  it('refuses a mechanism the listener does not enable, listing the enabled ones', async () => {
    const error = await WireClient.connect({
      host: '127.0.0.1',
      port: ports.repl,
      tls: { ca: ca.certPem },
      sasl: { mechanism: 'PLAIN', username: 'alice', password: 'alice-secret' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SaslAuthenticationError);
    expect((error as SaslAuthenticationError).errorCode).toBe(ErrorCode.UNSUPPORTED_SASL_MECHANISM);
    expect((error as Error).message).toMatch(/enabled: SCRAM-SHA-512/);
  });

  it('limits frames to sasl.server.max.receive.size until the client is authenticated', async () => {
    const wire = await WireClient.connect({ host: '127.0.0.1', port: ports.client, tls: { ca: ca.certPem }, requestTimeoutMs: 5000 });
    await expect(wire.send(ApiKey.SaslHandshake, 1, { mechanism: 'x'.repeat(5000) })).rejects.toThrow(/closed/);
    const authenticated = await WireClient.connect({
      host: '127.0.0.1',
      port: ports.client,
      tls: { ca: ca.certPem },
      sasl: { mechanism: 'PLAIN', username: 'alice', password: 'alice-secret' },
    });
    const records = encodeRecordBatch([{ value: Buffer.alloc(20_000, 7) }]);
    const answer = await authenticated.send(ApiKey.Produce, 9, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 5000,
      topicData: [{ name: 'secured-plain', partitionData: [{ index: 0, records }] }],
    });
    expect(answer.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.NONE);
    // After authentication the exchange cannot be restarted on the same connection.
    expect((await authenticated.send(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE);
    await authenticated.close();
  });

  it('takes SaslHandshake v0 followed by a bare PLAIN token, as old clients send it', async () => {
    const socket = await new Promise<TLSSocket>((resolve, reject) => {
      const s = connectTls({ host: '127.0.0.1', port: ports.client, ca: ca.certPem }, () => resolve(s));
      s.once('error', reject);
    });
    const frames = new FrameDecoder();
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(...frames.push(chunk).frames));
    const next = () =>
      eventually(
        () => received.length,
        (n) => n > 0,
        5000,
      ).then(() => received.shift()!);
    socket.write(encodeRequest({ apiKey: ApiKey.SaslHandshake, apiVersion: 0, correlationId: 1, clientId: 'old' }, { mechanism: 'PLAIN' }));
    expect((await next()).readInt16BE(4)).toBe(ErrorCode.NONE);
    const token = encodePlainToken('alice', 'alice-secret');
    const size = Buffer.alloc(4);
    size.writeInt32BE(token.length, 0);
    socket.write(Buffer.concat([size, token]));
    expect((await next()).length).toBe(0);
    socket.write(encodeRequest({ apiKey: ApiKey.Metadata, apiVersion: 1, correlationId: 2, clientId: 'old' }, { topics: [] }));
    expect((await next()).readInt32BE(0)).toBe(2);
    socket.destroy();
  });

  it('requires a certificate signed by the trusted CA on an SSL listener with ssl.client.auth=required', async () => {
    await expect(WireClient.connect({ host: '127.0.0.1', port: ports.mtls, tls: { ca: ca.certPem } }).then((c) => c.negotiateVersions())).rejects.toThrow();
    const stranger = issueCertificate(createCertificateAuthority(mkdtempSync(join(certDir, 'other-')), 'other-ca'), 'stranger');
    await expect(
      WireClient.connect({ host: '127.0.0.1', port: ports.mtls, tls: { ca: ca.certPem, key: stranger.keyPem, cert: stranger.certPem } }).then((c) =>
        c.negotiateVersions(),
      ),
    ).rejects.toThrow();
    const kafka = kafkaClient(`127.0.0.1:${ports.mtls}`, { ssl: { ca: [ca.certPem], key: client.keyPem, cert: client.certPem } });
    const admin = kafka.admin();
    await admin.connect();
    expect((await admin.describeCluster()).brokers.map((b) => b.port)).toEqual([ports.mtls]);
    await admin.disconnect();
  });

  it('connects to its own inter-broker and controller listeners as a client, with the keys Kafka uses', async () => {
    const { config } = loadBrokerConfig(readPropertiesFile(node.configFile));
    const repl = await WireClient.connect({ host: '127.0.0.1', port: ports.repl, ...interBrokerClientSecurity(config) });
    expect(
      (await repl.send(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).brokers[0]!.port,
    ).toBe(ports.repl);
    await repl.close();
    const controller = await WireClient.connect({ host: '127.0.0.1', port: ports.controller, ...controllerClientSecurity(config) });
    expect([...(await controller.negotiateVersions()).keys()]).toContain(ApiKey.ApiVersions);
    await controller.close();
  });
});
