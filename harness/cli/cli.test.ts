import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient } from '../clients/kafkajs.js';
import { provisionKafka, type KafkaInstall } from '../provision/kafka.js';
import type { RunResult } from '../report/result.js';
import { launchBrowser, NO_CHROMIUM } from '../testing/browser.js';
import { runCli } from '../testing/cli.js';
import { allGone, descendants } from '../testing/processes.js';

const scratch = mkdtempSync(join(tmpdir(), 'kafka-chaos-cli-test-'));
let kafka: KafkaInstall;

beforeAll(async () => {
  kafka = await provisionKafka();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A PATH holding only the named tools, to play a machine that lacks the others. */
function pathWith(...tools: string[]): string {
  const dir = mkdtempSync(join(scratch, 'bin-'));
  for (const tool of tools) {
    const found = (process.env.PATH ?? '')
      .split(':')
      .map((d) => join(d, tool))
      .find((p) => existsSync(p));
    if (found) symlinkSync(found, join(dir, tool));
  }
  return dir;
}

interface ClusterLine {
  broker: string;
  brokerVersion: string;
  bootstrapServers: string;
  toxiproxyUrl: string;
  startupMs: number;
  nodes: { id: number; pid: number; clientAddress: string }[];
}

describe('kafka-chaos CLI', () => {
  it('lists the experiments, one line each', async () => {
    const cli = runCli(['list']);
    expect((await cli.exit).code).toBe(0);
    const lines = cli.stdout().trim().split('\n');
    expect(lines.some((l) => l.startsWith('acks1-leader-kill '))).toBe(true);
    expect(lines.some((l) => l.startsWith('acksall-leader-kill '))).toBe(true);
  });

  it('exits 2 with a clear message on a bad command line', async () => {
    const unknown = runCli(['run', 'no-such-experiment']);
    expect((await unknown.exit).code).toBe(2);
    expect(unknown.stderr()).toMatch(/kafka-chaos: no experiment named "no-such-experiment"; known: /);
    const badBroker = runCli(['run', 'acks1-leader-kill', '--broker', 'redpanda']);
    expect((await badBroker.exit).code).toBe(2);
    expect(badBroker.stderr()).toMatch(/--broker: expected kafka, broker-ts or both, got "redpanda"/);
    // Each command takes its own options: nightly's --quick is not run's.
    const foreign = runCli(['run', 'acks1-leader-kill', '--quick']);
    expect((await foreign.exit).code).toBe(2);
    expect(foreign.stderr()).toMatch(/kafka-chaos: run: Unknown option '--quick'/);
    expect(foreign.stderr()).toMatch(/--kafka-version V +a Kafka release/);
    const help = runCli(['help', 'nightly']);
    expect((await help.exit).code).toBe(0);
    expect(help.stdout()).toMatch(/--no-canary +skip the canary/);
  });

  it('says which tool is missing and how to provide it, without a stack trace', async () => {
    const emptyCache = mkdtempSync(join(scratch, 'cache-'));
    const base: NodeJS.ProcessEnv = { ...process.env, KAFKA_CHAOS_CACHE: emptyCache };
    delete base.KAFKA_HOME;
    delete base.TOXIPROXY_BIN;
    const cases: [NodeJS.ProcessEnv, RegExp][] = [
      [{ ...base, PATH: pathWith() }, /java is needed to run Apache Kafka but was not found on PATH: install a JDK 17/],
      [
        { ...base, PATH: pathWith('java') },
        /mvn is needed to download Apache Kafka [\d.]+ from Maven Central but was not found on PATH: install Maven.*or set KAFKA_HOME/,
      ],
      [
        { ...base, PATH: pathWith('java'), KAFKA_HOME: join(kafka.libs, '..') },
        /go is needed to build toxiproxy v2\.12\.0 but was not found on PATH: install Go.*setting TOXIPROXY_BIN/,
      ],
    ];
    for (const [env, message] of cases) {
      const cli = runCli(['run', 'acks1-leader-kill', '--broker', 'kafka', '--out', scratch], env);
      expect((await cli.exit).code).toBe(2);
      expect(cli.stderr()).toMatch(message);
      expect(cli.stderr()).not.toMatch(/\n\s+at /);
    }
  });

  it('cluster up prints one JSON line once ready, serves clients, and cleans up on SIGTERM', async () => {
    const cli = runCli(['cluster', 'up', '--broker', 'kafka', '--nodes', '3', '--out', scratch]);
    const info = JSON.parse(await cli.line(/^\{/, 120_000)) as ClusterLine;
    expect(info).toMatchObject({ broker: 'kafka', brokerVersion: kafka.version });
    expect(info.nodes.map((n) => n.id)).toEqual([1, 2, 3]);
    expect(info.toxiproxyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const version = await fetch(`${info.toxiproxyUrl}/version`);
    expect(version.ok).toBe(true);

    const client = kafkaClient('cli-test', info.bootstrapServers.split(','));
    const admin = client.admin();
    await admin.connect();
    // Not kafkajs's wait for leaders: it gives up on UNKNOWN_TOPIC_OR_PARTITION from a node that has
    // not applied the new topic yet (each KRaft broker does so on its own time); the producer retries.
    await admin.createTopics({ waitForLeaders: false, topics: [{ topic: 'up', numPartitions: 1, replicationFactor: 3 }] });
    await admin.disconnect();
    const producer = client.producer();
    await producer.connect();
    await producer.send({ topic: 'up', acks: -1, messages: [{ value: 'through the proxies' }] });
    await producer.disconnect();

    const pids = [...info.nodes.map((n) => n.pid), ...descendants(cli.child.pid!)];
    cli.child.kill('SIGTERM');
    const exit = await cli.exit;
    expect(exit.code).toBe(143);
    expect(await allGone(pids)).toBe(true);
  });

  it('leaves nothing behind when the harness itself is killed with SIGKILL', async () => {
    const cli = runCli(['cluster', 'up', '--broker', 'kafka', '--nodes', '1', '--out', scratch]);
    await cli.line(/^\{/, 120_000);
    const pids = descendants(cli.child.pid!);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    cli.child.kill('SIGKILL');
    await cli.exit;
    // The reaper notices within a fraction of a second; give a loaded machine some slack.
    expect(
      await allGone(
        pids.filter((p) => !isReaperOf(p)),
        15_000,
      ),
    ).toBe(true);
  });

  it('runs acks1-leader-kill and acksall-leader-kill on Kafka with both expectations met', async () => {
    const out = join(scratch, 'results');
    const cli = runCli(['run', 'acks1-leader-kill', 'acksall-leader-kill', '--broker', 'kafka', '--seed', '7', '--out', out]);
    const exit = await cli.exit;
    expect(exit.code, cli.stderr().slice(-3000)).toBe(0);
    expect(cli.stdout()).toMatch(/acks1-leader-kill\s+kafka \S+\s+PASS/);
    expect(cli.stdout()).toMatch(/acksall-leader-kill\s+kafka \S+\s+PASS/);

    const [runId] = readdirSync(out);
    const read = (exp: string) => JSON.parse(readFileSync(join(out, runId!, exp, 'kafka', 'result.json'), 'utf8')) as RunResult;
    const acks1 = read('acks1-leader-kill');
    const acksAll = read('acksall-leader-kill');
    for (const r of [acks1, acksAll]) {
      expect(r).toMatchObject({ broker: 'kafka', brokerVersion: kafka.version, runtime: 'process', seed: 7, verdict: 'pass' });
      expect(r.config.broker['min.insync.replicas']).toBe('2');
      expect(r.faults.map((f) => f.fault)).toEqual(['cut', 'kill']);
      expect(r.faults[1]!.nodes).toEqual(r.faults[0]!.nodes);
      expect(r.drain?.complete).toBe(true);
      expect(r.timings.clusterStartupMs).toBeGreaterThan(0);
      expect(existsSync(join(out, runId!, r.experiment, 'kafka', 'history.jsonl'))).toBe(true);
      expect(existsSync(join(out, runId!, r.experiment, 'kafka', 'nodes', 'node-1', 'server.log'))).toBe(true);
    }
    expect(acks1.config.producers[0]).toMatchObject({ name: 'producer', acks: 1 });
    expect(acks1.counts.lost).toBeGreaterThan(0);
    // Every lost message was acknowledged by the leader that was cut off and then killed.
    expect(acks1.lost.every((m) => m.ackTime >= acks1.faults[0]!.injectedAt! - 1000)).toBe(true);
    expect(acksAll.counts.lost).toBe(0);
    expect(acksAll.counts.acknowledged).toBeGreaterThanOrEqual(1000);

    for (const f of ['summary.json', 'summary.md', 'junit.xml', 'index.html']) expect(existsSync(join(out, runId!, f)), f).toBe(true);
    expect(readFileSync(join(out, runId!, 'junit.xml'), 'utf8')).toMatch(/<testcase classname="kafka-chaos\.kafka [\d.]+" name="acks1-leader-kill"/);
    if (NO_CHROMIUM) return;
    await checkReportsInBrowser(join(out, runId!));
  }, 400_000);

  it('cleans up when interrupted with Ctrl-C halfway through a run', async () => {
    const cli = runCli(['run', 'acksall-leader-kill', '--broker', 'kafka', '--out', join(scratch, 'interrupted')]);
    const deadline = Date.now() + 120_000;
    while (!cli.stderr().includes('fault injected') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const pids = descendants(cli.child.pid!).filter((p) => !isReaperOf(p));
    expect(pids.length).toBeGreaterThanOrEqual(4);
    cli.child.kill('SIGINT');
    expect((await cli.exit).code).toBe(130);
    expect(await allGone(pids)).toBe(true);
  }, 200_000);
});

/** Opens the run's index.html and the acks1 report in headless chromium and checks what a reader sees. */
async function checkReportsInBrowser(runDir: string): Promise<void> {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${join(runDir, 'index.html')}`);
    const rows = page.locator('#comparison tr[data-experiment]');
    expect(await rows.count()).toBe(2);
    expect(await page.locator('tr[data-experiment="acks1-leader-kill"] [data-verdict="pass"]').count()).toBe(1);

    await page.locator('tr[data-experiment="acks1-leader-kill"] a').first().click();
    await page.waitForURL(/acks1-leader-kill\/kafka\/report\.html$/);
    expect(await page.locator('h1').innerText()).toMatch(/acks1-leader-kill on kafka/);
    for (const chart of ['#throughput', '#latency']) {
      const box = await page.locator(chart).boundingBox();
      expect(box?.width, chart).toBeGreaterThan(300);
      expect(await page.locator(`${chart} path.series`).count(), chart).toBe(3);
      expect((await page.locator(`${chart} path.series[data-series]`).first().getAttribute('d'))?.length ?? 0, chart).toBeGreaterThan(20);
      // The cut and the kill are shaded.
      expect(await page.locator(`${chart} rect.fault-window`).count(), chart).toBe(2);
    }
    expect(Number(await page.locator('[data-count="lost"]').innerText())).toBeGreaterThan(0);
    const cause = await page.locator('#loss-groups tr.loss-group').first().innerText();
    expect(cause).toMatch(
      /acknowledged by node \d, the leader then; during cut \(listeners=replication\) of node \d;( just before kill of node \d;)? node \d took over at [\d.]+s \(leader epoch \d+\) without them/,
    );
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
}

function isReaperOf(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('reaper.ts');
  } catch {
    return false;
  }
}
