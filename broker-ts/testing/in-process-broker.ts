// A broker-ts node inside the test process, on 127.0.0.1 with free ports and a temporary data
// directory, for handler-level tests that talk to it over the wire.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../broker.js';
import { loadBrokerConfig } from '../config/broker-config.js';
import { silentLogger } from '../logging/logger.js';
import type { Logger } from '../logging/logger.js';
import { WireClient } from '@kafka-chaos/protocol';
import { freePort } from './free-port.js';

export interface InProcessBroker {
  broker: Broker;
  host: string;
  port: number;
  /** "127.0.0.1:port" of the client listener. */
  bootstrap: string;
  dataDir: string;
  /** A wire client with versions negotiated; closed by stop(). */
  client(): Promise<WireClient>;
  /** Shuts the broker down cleanly and, unless `keepData`, removes its data. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export interface InProcessBrokerOptions {
  /** Extra server.properties settings. */
  properties?: Record<string, string>;
  /** Reuse a data directory (a restart). */
  dataDir?: string;
  logger?: Logger;
}

export async function startInProcessBroker(options: InProcessBrokerOptions = {}): Promise<InProcessBroker> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'broker-ts-test-'));
  const controllerPort = await freePort();
  const { config } = loadBrokerConfig(
    new Map(
      Object.entries({
        'process.roles': 'broker,controller',
        'node.id': '1',
        listeners: `PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:${controllerPort}`,
        'controller.listener.names': 'CONTROLLER',
        'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
        'log.dirs': dataDir,
        'offsets.topic.replication.factor': '1',
        'offsets.topic.num.partitions': '3',
        'group.initial.rebalance.delay.ms': '0',
        ...options.properties,
      }),
    ),
  );
  const broker = await Broker.start(config, options.logger ?? silentLogger());
  const listener = broker.listeners().find((l) => l.name === 'PLAINTEXT')!;
  const clients: WireClient[] = [];
  return {
    broker,
    host: '127.0.0.1',
    port: listener.port,
    bootstrap: `127.0.0.1:${listener.port}`,
    dataDir,
    async client() {
      const client = await WireClient.connect({ host: '127.0.0.1', port: listener.port, requestTimeoutMs: 15_000 });
      await client.negotiateVersions();
      clients.push(client);
      return client;
    },
    async stop(stopOptions = {}) {
      await Promise.all(clients.map((c) => c.close()));
      await broker.shutdown();
      if (!stopOptions.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
