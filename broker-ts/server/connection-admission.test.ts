// max.connections.per.ip closes the connection over the limit at once; max.connections holds new
// connections unanswered (as Kafka's accept backlog does) until a slot frees, and closes what the
// backlog cannot hold; the controller listener is not held back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../../harness/security/certificates.js';
import type { CertificateAuthority } from '../../harness/security/certificates.js';
import { ApiKey, encodeRequest } from '@kafka-chaos/protocol';
import { RawConnection } from '../fuzz/raw-connection.js';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';
import { WireClient } from '@kafka-chaos/protocol';

const apiVersions = (correlationId: number) => encodeRequest({ apiKey: ApiKey.ApiVersions, apiVersion: 0, correlationId, clientId: 'limits' }, {});

async function openAll(port: number, count: number): Promise<RawConnection[]> {
  return Promise.all(Array.from({ length: count }, () => RawConnection.open('127.0.0.1', port)));
}

describe('max.connections.per.ip', () => {
  let node: InProcessBroker;
  beforeAll(async () => {
    node = await startInProcessBroker({ properties: { 'max.connections.per.ip': '4' } });
  });
  afterAll(async () => {
    await node.stop();
  });

  it('closes a fifth connection from one address at once, and takes one again when a slot frees', async () => {
    const open = await openAll(node.port, 4);
    for (const [i, c] of open.entries()) expect(await c.exchange(apiVersions(i), 2000)).toBe('answered');
    const refused = await RawConnection.open('127.0.0.1', node.port);
    expect(await refused.waitForClose(2000)).toBe(true);
    open[0]!.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const again = await RawConnection.open('127.0.0.1', node.port);
    expect(await again.exchange(apiVersions(9), 2000)).toBe('answered');
    for (const c of [...open, again]) c.destroy();
  });
});

describe('max.connections', () => {
  let node: InProcessBroker;
  let ca: CertificateAuthority;
  const certDir = mkdtempSync(join(tmpdir(), 'broker-ts-limits-'));

  beforeAll(async () => {
    ca = createCertificateAuthority(certDir, 'limits-ca');
    const server = issueCertificate(ca, 'node');
    node = await startInProcessBroker({
      properties: {
        listeners: 'PLAINTEXT://127.0.0.1:0,SECURE://127.0.0.1:0,REPL://127.0.0.1:0,CONTROLLER://127.0.0.1:0',
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SECURE:SSL,REPL:PLAINTEXT,CONTROLLER:PLAINTEXT',
        'advertised.listeners': 'PLAINTEXT://127.0.0.1:0,SECURE://127.0.0.1:0,REPL://127.0.0.1:0',
        'inter.broker.listener.name': 'REPL',
        'ssl.keystore.type': 'PEM',
        'ssl.keystore.location': server.keyStoreFile,
        'max.connections': '3',
        'socket.listen.backlog.size': '2',
      },
    });
  });
  afterAll(async () => {
    await node?.stop();
    rmSync(certDir, { recursive: true, force: true });
  });

  const port = (name: string) => node.broker.listeners().find((l) => l.name === name)!.port;

  it('holds connections over the limit unanswered until a slot frees, and closes what the backlog cannot hold', async () => {
    const admitted = await openAll(node.port, 3);
    for (const [i, c] of admitted.entries()) expect(await c.exchange(apiVersions(i), 2000)).toBe('answered');
    const waiting = await openAll(node.port, 2);
    // Connected (the kernel accepted them) but not served: the request waits.
    expect(await waiting[0]!.exchange(apiVersions(10), 500)).toBe('silent');
    const second = waiting[1]!.exchange(apiVersions(11), 5000);
    const overflow = await RawConnection.open('127.0.0.1', node.port);
    expect(await overflow.waitForClose(2000)).toBe(true);
    // The inter-broker and controller listeners are not held back by the broker-wide limit.
    for (const name of ['REPL', 'CONTROLLER']) {
      const exempt = await RawConnection.open('127.0.0.1', port(name));
      expect(await exempt.exchange(apiVersions(12), 2000), name).toBe('answered');
      exempt.destroy();
    }
    // Slots free: the waiting connections are served in turn, their requests included.
    admitted[0]!.destroy();
    admitted[1]!.destroy();
    expect(await second).toBe('answered');
    expect(waiting[0]!.takeFrames()).toHaveLength(1);
    for (const c of [...admitted, ...waiting]) c.destroy();
    await new Promise((r) => setTimeout(r, 100));
  });

  it('lets a TLS connection that waited for a slot complete its handshake afterwards', async () => {
    const admitted = await openAll(node.port, 3);
    for (const [i, c] of admitted.entries()) expect(await c.exchange(apiVersions(i), 2000)).toBe('answered');
    const secure = WireClient.connect({ host: '127.0.0.1', port: port('SECURE'), tls: { ca: ca.certPem }, connectTimeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    admitted[0]!.destroy();
    const client = await secure;
    expect((await client.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' })).errorCode).toBe(0);
    await client.close();
    for (const c of admitted) c.destroy();
  });
});
