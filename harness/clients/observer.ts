import { connect } from 'node:net';
import type { Admin, ITopicConfig } from 'kafkajs';
import { HarnessError, errorMessage } from '../errors.js';
import type { Cluster } from '../runtime/cluster.js';
import { kafkaClient } from './kafkajs.js';
import { partitionsOnEveryNode } from './partition-metadata.js';
import { pollUntil } from '../wait.js';

export interface PartitionState {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

/**
 * The harness's own view of a cluster, through the harness listeners that no fault touches:
 * topic creation, who leads what, end offsets. During a fault it sees what the surviving nodes
 * report, which may lag behind reality as it does for any client.
 */
export class ClusterObserver {
  private readonly admin: Admin;
  private connected = false;

  constructor(private readonly cluster: Cluster) {
    this.admin = kafkaClient(
      'kafka-chaos-observer',
      cluster.harnessServers(),
      { connectionTimeout: 1000, requestTimeout: 5000, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 } },
      cluster.clientSecurity,
    ).admin();
  }

  /**
   * A node killed a moment ago refuses connections, and kafkajs may spend its retries on it: the
   * observer asks again (a refusal is immediate), so that its view of the cluster survives the
   * faults it watches.
   */
  private async retryRefused<T>(request: () => Promise<T>, attempts = 4): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request();
      } catch (err) {
        // Refused: a node killed a moment ago; closed: the connection to a node stopped since it was opened.
        if (attempt >= attempts || !/ECONNREFUSED|Closed connection/.test(errorMessage(err))) throw err;
      }
    }
  }

  private async ready(): Promise<Admin> {
    if (!this.connected) {
      await this.admin.connect();
      this.connected = true;
    }
    return this.admin;
  }

  async createTopic(topic: string, partitions: number, replicationFactor: number, config: Record<string, string>): Promise<void> {
    const admin = await this.ready();
    const spec: ITopicConfig = {
      topic,
      numPartitions: partitions,
      replicationFactor,
      configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
    };
    // Leaders are awaited below, tolerating the UNKNOWN_TOPIC_OR_PARTITION answers of brokers
    // whose metadata has not caught up yet. A retry after a lost answer finds the topic there.
    let attempts = 0;
    await this.waitFor(
      async () => {
        attempts++;
        try {
          await admin.createTopics({ topics: [spec], waitForLeaders: false, timeout: 30_000 });
          return true;
        } catch (err) {
          if ((err as { type?: string }).type === 'TOPIC_ALREADY_EXISTS' && attempts > 1) return true;
          if ((err as { retriable?: boolean }).retriable === false) {
            throw new HarnessError(`could not create topic ${topic}: ${errorMessage(err)}`, { cause: err });
          }
          throw err;
        }
      },
      30_000,
      `topic ${topic} to be created`,
    );
    // Every running node, not just the one that answers first: nodes apply the new topic at their
    // own pace, and the next request may meet one that does not know it yet.
    await this.waitFor(
      async () => {
        const answers = await partitionsOnEveryNode(this.cluster, topic);
        return (
          answers.size > 0 &&
          [...answers.values()].every((states) => states.length === partitions && states.every((p) => p.leader >= 0 && p.isr.length === replicationFactor))
        );
      },
      60_000,
      `topic ${topic} to have a leader and a full ISR on every partition, on every node`,
    );
  }

  /** Deletes topics and waits until metadata no longer lists them. */
  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    const admin = await this.ready();
    await admin.deleteTopics({ topics: [...topics], timeout: 30_000 });
    await this.waitFor(
      async () => {
        const listed = new Set(await admin.listTopics());
        return topics.every((t) => !listed.has(t));
      },
      30_000,
      `topics ${topics.join(', ')} to be deleted`,
    );
  }

  async partitions(topic: string): Promise<PartitionState[]> {
    const admin = await this.ready();
    const meta = await this.retryRefused(() => admin.fetchTopicMetadata({ topics: [topic] }));
    const t = meta.topics.find((x) => x.name === topic);
    if (!t) return [];
    return t.partitions
      .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr] }))
      .sort((a, b) => a.partition - b.partition);
  }

  async partition(topic: string, partition: number): Promise<PartitionState> {
    const state = (await this.partitions(topic)).find((p) => p.partition === partition);
    if (!state) throw new HarnessError(`partition ${topic}-${partition} not found in metadata`);
    return state;
  }

  /** The node currently leading a partition, as the cluster reports it; -1 when there is none. */
  async leaderOf(topic: string, partition: number): Promise<number> {
    return (await this.partition(topic, partition)).leader;
  }

  async brokerIds(): Promise<number[]> {
    const admin = await this.ready();
    const { brokers } = await admin.describeCluster();
    return brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  }

  /** High watermark of each partition (the offset after the last committed message). */
  async endOffsets(topic: string): Promise<Map<number, number>> {
    const admin = await this.ready();
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  }

  /**
   * After faults are healed: every node registered, every partition of `topic` led by someone
   * with all replicas back in the ISR. Returns false if that did not happen in time.
   */
  async waitHealthy(topic: string, timeoutMs: number): Promise<boolean> {
    try {
      // Metadata alone can look healthy while a node restarted by the heal is not listening yet:
      // a controller that has not noticed the kill still lists it as leader and in the ISR.
      await this.waitFor(async () => (await allAccept(this.cluster.harnessServers())) && (await this.healthy([topic])), timeoutMs, 'the cluster to recover');
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Waits until every node is registered and every partition of every topic has a leader and its
   * full ISR, and that has held for `quietMs`. Metadata that looks healthy once is not enough after
   * a pause: the controller's overdue timers then fence the brokers whose heartbeats it missed, and
   * the quorum may elect another controller.
   */
  async waitSettled(timeoutMs: number, quietMs: number): Promise<void> {
    let healthySince: number | undefined;
    await this.waitFor(
      async () => {
        let healthy = false;
        try {
          healthy = await this.healthy();
        } finally {
          healthySince = healthy ? (healthySince ?? Date.now()) : undefined;
        }
        return healthySince !== undefined && Date.now() - healthySince >= quietMs;
      },
      timeoutMs,
      `the cluster to settle (every node registered, every partition led with its full ISR, for ${quietMs} ms)`,
    );
  }

  /** Every node registered, and every partition of `topics` (all topics when absent; none listed is unhealthy) led with its full ISR. */
  private async healthy(topics?: string[]): Promise<boolean> {
    if ((await this.brokerIds()).length < this.cluster.nodeIds().length) return false;
    const admin = await this.ready();
    const listed = (await admin.fetchTopicMetadata(topics === undefined ? undefined : { topics })).topics;
    if (topics !== undefined && !topics.every((name) => listed.some((t) => t.name === name && t.partitions.length > 0))) return false;
    return listed.every((t) => t.partitions.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length));
  }

  /** endOffsets, retried while a leader cannot be reached (restarting, or not yet known to lead). */
  async reachableEndOffsets(topic: string, timeoutMs: number): Promise<Map<number, number>> {
    let offsets = new Map<number, number>();
    await this.waitFor(
      async () => {
        offsets = await this.endOffsets(topic);
        return true;
      },
      timeoutMs,
      `the end offsets of ${topic}`,
    );
    return offsets;
  }

  async waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    let last = '';
    const reconnect = (err: unknown) => {
      if (err instanceof HarnessError) throw err;
      last = errorMessage(err);
      this.connected = false;
      void this.admin.disconnect().catch(() => {});
    };
    if (await pollUntil(condition, { timeoutMs, intervalMs: 250, onError: reconnect })) return;
    throw new HarnessError(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
  }

  async close(): Promise<void> {
    await this.admin.disconnect().catch(() => {});
    this.connected = false;
  }
}

/** Whether every host:port accepts a TCP connection. */
async function allAccept(servers: readonly string[], timeoutMs = 1000): Promise<boolean> {
  const results = await Promise.all(servers.map((server) => accepts(server, timeoutMs)));
  return results.every(Boolean);
}

function accepts(server: string, timeoutMs: number): Promise<boolean> {
  const at = server.lastIndexOf(':');
  return new Promise((resolve) => {
    const socket = connect({ host: server.slice(0, at), port: Number(server.slice(at + 1)), timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
