import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterObserver } from '../clients/observer.js';
import type { Cluster } from '../runtime/cluster.js';
import { startCluster } from '../runtime/start-cluster.js';
import { loadCatalogue, selectScenarios } from './catalogue.js';
import { checkEqual, expectRejection } from './check.js';
import { loadKafkajs } from './kafkajs-versions.js';
import { readTopic } from './read-topic.js';
import { runScenario } from './run-scenario.js';
import { defineScenario, type CompatScenario } from './scenario.js';
import { poisonClientTraffic } from './toxics.js';

/**
 * The suite's own failure reporting, on a real broker: a scenario that does not hold must come
 * out as a failure whose reason says what was expected and what happened, and whatever it set
 * up (clients, toxics) must be undone so the scenarios after it are unaffected.
 */
let logDir: string;
let cluster: Cluster;
let observer: ClusterObserver;
const kafkajs = loadKafkajs();
const run = (scenario: CompatScenario) => runScenario(scenario, { cluster, observer, kafkajs, workDir: join(logDir, scenario.name) });

beforeAll(async () => {
  logDir = mkdtempSync(join(tmpdir(), 'kafka-chaos-compat-failures-'));
  // Topic deletion switched off: admin-topics, which deletes its topic, cannot pass here.
  cluster = await startCluster({ broker: 'kafka', nodes: 1, logDir, brokerConfig: { 'delete.topic.enable': 'false' } });
  observer = new ClusterObserver(cluster);
});

afterAll(async () => {
  await observer?.close();
  await cluster?.close();
  if (logDir && !process.env.KEEP_TEST_LOGS) rmSync(logDir, { recursive: true, force: true });
});

describe('compat failure reporting', () => {
  it('reports a catalogue scenario that a broker setting breaks as a failure with the broker error as reason', async () => {
    const [adminTopics] = selectScenarios(await loadCatalogue(), ['admin-topics']);
    const result = await run(adminTopics!);
    expect(result).toMatchObject({ scenario: 'admin-topics', broker: 'kafka', kafkajs: '2.2.4', verdict: 'fail' });
    // Kafka answers DeleteTopics below v3 (kafkajs sends v1) with INVALID_REQUEST when deletion is off.
    expect(result.reason).toMatch(/^deleteTopics: .*\(INVALID_REQUEST\)$/);
  });

  it('reports a wrong expectation with what was expected and what was found', async () => {
    const wrong = defineScenario({
      name: 'wrong-expectation',
      title: 'expects four records where three were written',
      async run(ctx) {
        const topic = await ctx.createTopic('wrong');
        const producer = await ctx.producer();
        await producer.send({ topic, acks: -1, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
        checkEqual((await readTopic(ctx, topic)).length, 4, 'records read back');
      },
    });
    const result = await run(wrong);
    expect(result).toMatchObject({ verdict: 'fail', reason: 'records read back: expected 4, got 3' });
  });

  it('reports an expected error that did not happen', async () => {
    const result = await run(
      defineScenario({
        name: 'expected-error',
        title: 'expects creating a fresh topic to fail',
        async run(ctx) {
          const admin = await ctx.admin();
          await expectRejection(admin.createTopics({ topics: [{ topic: ctx.name('fresh') }] }), 'TOPIC_ALREADY_EXISTS', 'createTopics');
        },
      }),
    );
    expect(result).toMatchObject({ verdict: 'fail', reason: 'createTopics: expected error TOPIC_ALREADY_EXISTS, but it succeeded (true)' });
  });

  it('fails a scenario that runs past its time limit and still disconnects its clients', async () => {
    let disconnected = false;
    const result = await run(
      defineScenario({
        name: 'hangs',
        title: 'waits for a record that never comes',
        timeoutMs: 2000,
        async run(ctx) {
          const producer = await ctx.producer();
          producer.on(producer.events.DISCONNECT, () => (disconnected = true));
          await new Promise(() => {});
        },
      }),
    );
    expect(result).toMatchObject({ verdict: 'fail', reason: 'did not finish within 2 s' });
    expect(result.durationMs).toBeGreaterThanOrEqual(2000);
    expect(disconnected).toBe(true);
  });

  it('removes a toxic a failed scenario added, so the next scenario is not faulted', async () => {
    const result = await run(
      defineScenario({
        name: 'fails-mid-fault',
        title: 'fails while a toxic is on the client proxy',
        async run(ctx) {
          await poisonClientTraffic(ctx, 1, { type: 'timeout', stream: 'downstream', attributes: { timeout: 0 } });
          throw new Error('gave up in the middle of a fault');
        },
      }),
    );
    expect(result).toMatchObject({ verdict: 'fail', reason: 'gave up in the middle of a fault' });
    for (const name of cluster.proxyNames(1, 'client')) {
      const toxics = await fetch(`${cluster.toxiproxy.url}/proxies/${name}/toxics`);
      expect(await toxics.json()).toEqual([]);
    }
    const [produceAcks] = selectScenarios(await loadCatalogue(), ['produce-acks']);
    expect((await run(produceAcks!)).verdict).toBe('pass');
  });

  it('reports a skip with its reason, as neither pass nor fail', async () => {
    const result = await run(
      defineScenario({
        name: 'skips',
        title: 'cannot run here',
        run: async (ctx) => ctx.skip('the codec package does not load here'),
      }),
    );
    expect(result).toMatchObject({ verdict: 'skipped', reason: 'the codec package does not load here' });
  });
});
