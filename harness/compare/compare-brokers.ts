// Starts a one-node cluster per broker with the same server.properties, runs the wire probes on
// each and names every difference: broker-ts against a Kafka release (the comparison test), or one
// Kafka release against another (the canary's "what the new release changed").
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WireClient } from '@kafka-chaos/protocol';
import { errorMessage } from '../errors.js';
import type { BrokerKind, Cluster } from '../runtime/cluster.js';
import { startCluster } from '../runtime/start-cluster.js';
import { describeDifference, differencesOf, type Difference } from './differences.js';
import { RETENTION_CHECK_CONFIG } from './retention-probe.js';
import type { Observation, WireProbe } from './wire-probe.js';
import { WIRE_PROBES } from './wire-probes.js';

/** What both brokers run with: the probes rely on these (no auto-created topics, 100 kB batches, retention checked often). */
export const COMPARISON_BROKER_CONFIG: Readonly<Record<string, string>> = {
  'auto.create.topics.enable': 'false',
  'message.max.bytes': '100000',
  ...RETENTION_CHECK_CONFIG,
};

export interface BrokerTarget {
  broker: BrokerKind;
  /** Kafka only: a release or prefix, as --kafka-version takes. */
  kafkaVersion?: string;
}

/** One broker under comparison: its cluster and one connection kept for the probes. */
export class ComparedBroker {
  private constructor(
    readonly label: string,
    readonly cluster: Cluster,
    readonly client: WireClient,
  ) {}

  static async start(target: BrokerTarget, logDir: string): Promise<ComparedBroker> {
    mkdirSync(logDir, { recursive: true });
    const cluster = await startCluster({
      broker: target.broker,
      nodes: 1,
      logDir,
      brokerConfig: { ...COMPARISON_BROKER_CONFIG },
      ...(target.kafkaVersion !== undefined ? { kafkaVersion: target.kafkaVersion } : {}),
    });
    try {
      const client = await connectTo(cluster, 20_000);
      await client.negotiateVersions();
      const label = `${target.broker === 'kafka' ? 'Kafka' : 'broker-ts'} ${cluster.brokerVersion}`;
      return new ComparedBroker(label, cluster, client);
    } catch (err) {
      await cluster.close();
      throw err;
    }
  }

  /** What the probe saw; a probe that fails is an observation too, so it shows as a difference. */
  async observe(probe: WireProbe): Promise<Observation> {
    try {
      return await probe.run({ client: this.client, cluster: this.cluster, connect: (timeout) => connectTo(this.cluster, timeout) });
    } catch (err) {
      return { 'probe failed': errorMessage(err) };
    }
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
    await this.cluster.close();
  }
}

async function connectTo(cluster: Cluster, requestTimeoutMs = 20_000): Promise<WireClient> {
  const [host, port] = cluster.harnessServers()[0]!.split(':');
  return WireClient.connect({ host: host!, port: Number(port), requestTimeoutMs });
}

export interface ProbeComparison {
  probe: string;
  title: string;
  differences: Difference[];
}

/** Differences of one probe; `tolerate` applies the probe's accepted Kafka/broker-ts differences. */
export function compareProbe(probe: WireProbe, reference: Observation, candidate: Observation, tolerate: boolean): ProbeComparison {
  return { probe: probe.name, title: probe.title, differences: differencesOf(probe.name, reference, candidate, tolerate ? probe.tolerate : undefined) };
}

export interface BrokerComparison {
  reference: string;
  candidate: string;
  probes: ProbeComparison[];
}

/**
 * Runs every probe on both brokers, reference first. Kafka is the reference; `tolerate` is for a
 * broker-ts candidate (never between two Kafka releases, where every difference is news).
 */
export async function compareBrokers(
  reference: BrokerTarget,
  candidate: BrokerTarget,
  logDir: string,
  options: { tolerate: boolean; probes?: readonly WireProbe[] },
): Promise<BrokerComparison> {
  const probes = options.probes ?? WIRE_PROBES;
  const ref = await ComparedBroker.start(reference, join(logDir, 'reference'));
  try {
    const cand = await ComparedBroker.start(candidate, join(logDir, 'candidate'));
    try {
      const comparisons: ProbeComparison[] = [];
      for (const probe of probes) comparisons.push(compareProbe(probe, await ref.observe(probe), await cand.observe(probe), options.tolerate));
      return { reference: ref.label, candidate: cand.label, probes: comparisons };
    } finally {
      await cand.close();
    }
  } finally {
    await ref.close();
  }
}

/** The differences that count (tolerated ones left out), one line each. */
export function describeComparison(comparison: BrokerComparison): string[] {
  return comparison.probes.flatMap((p) =>
    p.differences.filter((d) => d.tolerated === undefined).map((d) => describeDifference(d, comparison.reference, comparison.candidate)),
  );
}
