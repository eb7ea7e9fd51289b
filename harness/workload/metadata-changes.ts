// The metadata workload (`metadata:`): changes to the cluster's metadata alongside the load, and a
// watch on the metadata quorum, so that the checker can judge the quorum itself. It creates a topic
// at a steady pace (each acknowledged creation is a record the controller committed), reads every
// node's quorum-state file as the run goes (who each node took for the leader of each epoch), and
// at the end asks every node which topics it has and reads its metadata log's batch headers.
import { ApiKey, errorName } from '@kafka-chaos/protocol';
import { connectToNode, askRunningNodes } from '../clients/harness-listener.js';
import { readMetadataBatches, readQuorumState } from '../clients/quorum-files.js';
import { QuorumChecker } from '../checker/quorum-checker.js';
import { errorMessage } from '../errors.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { Cluster } from '../runtime/cluster.js';
import { pollUntil, sleep } from '../wait.js';
import { defineWorkload } from './workload.js';

/** How often the nodes' quorum-state files are read: an election's states last seconds. */
const WATCH_INTERVAL_MS = 100;
/** Every how many looks at the quorum-state files the metadata logs are read too. */
const LOG_LOOK_EVERY = 5;
const REQUEST_TIMEOUT_MS = 10_000;
/** How long every node may take, after the drain, to list every topic whose creation was acknowledged. */
const CATCH_UP_MS = 30_000;
const EXITED = 'its process exited by itself';

export class MetadataChanges {
  private creating: Promise<void> | undefined;
  private watching: Promise<void> | undefined;
  private readonly stopCreating = new AbortController();
  private readonly stopWatching = new AbortController();
  private readonly acknowledged = new Set<string>();
  private created = 0;

  constructor(
    private readonly cluster: Cluster,
    private readonly recorder: HistoryRecorder,
    private readonly topicPrefix: string,
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.watching = this.watch(this.stopWatching.signal);
    this.creating = this.createTopics(this.stopCreating.signal);
  }

  /** Stops creating topics (the end of the workload); the watch goes on until the run's end. */
  async quiesce(): Promise<void> {
    this.stopCreating.abort();
    await this.creating;
  }

  async stop(): Promise<void> {
    this.stopCreating.abort();
    this.stopWatching.abort();
    await Promise.all([this.creating, this.watching]);
  }

  private async createTopics(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const started = performance.now();
      await this.createOne(`${this.topicPrefix}-${++this.created}`);
      const wait = this.everyMs - (performance.now() - started);
      if (wait > 0) await sleep(wait, signal);
    }
  }

  /** One CreateTopics, asked of the running nodes in turn (a broker forwards it to the controller); no retry. */
  private async createOne(topic: string): Promise<void> {
    const { recorder } = this;
    recorder.record({ f: 'create-topic', type: 'invoke', process: 'metadata', time: recorder.now(), topic });
    const ids = this.cluster.nodeIds();
    const first = this.created % ids.length;
    const order = [...ids.slice(first), ...ids.slice(0, first)];
    let errorCode: number | undefined;
    try {
      errorCode = await askRunningNodes(
        this.cluster,
        'kafka-chaos-metadata',
        REQUEST_TIMEOUT_MS,
        async (client) => {
          const response = await client.send(ApiKey.CreateTopics, 5, {
            topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
            timeoutMs: REQUEST_TIMEOUT_MS / 2,
            validateOnly: false,
          });
          return response.topics[0]!.errorCode as number;
        },
        order,
      );
    } catch (error) {
      recorder.record({ f: 'create-topic', type: 'info', process: 'metadata', time: recorder.now(), topic, error: errorMessage(error) });
      return;
    }
    if (errorCode === 0) {
      this.acknowledged.add(topic);
      recorder.record({ f: 'create-topic', type: 'ok', process: 'metadata', time: recorder.now(), topic });
    } else {
      // A timeout or a moved controller may still have committed it: unknown, not failed.
      recorder.record({ f: 'create-topic', type: 'info', process: 'metadata', time: recorder.now(), topic, error: errorName(errorCode) });
    }
  }

  /**
   * Records each node's quorum-state whenever it changes, and the batches of its metadata log as
   * they appear: a batch a node truncates later (written by a leader that should not have been
   * one) is seen before it goes.
   */
  private async watch(signal: AbortSignal): Promise<void> {
    const last = new Map<number, string>();
    const batchesSeen = new Map<number, Map<number, string>>();
    for (let look = 0; !signal.aborted; look++) {
      if (look % LOG_LOOK_EVERY === 0) for (const node of this.cluster.nodeIds()) this.recordNewBatches(node, batchesSeen);
      for (const node of this.cluster.nodeIds()) {
        const state = readQuorumState(this.cluster.dataDir(node));
        if (!state) continue;
        const key = `${state.epoch}/${state.leaderId}/${state.votedId}`;
        if (last.get(node) === key) continue;
        last.set(node, key);
        this.recorder.record({
          f: 'quorum',
          type: 'ok',
          process: 'observer',
          time: this.recorder.now(),
          node,
          epoch: state.epoch,
          leader: state.leaderId,
          voted: state.votedId,
        });
      }
      await sleep(WATCH_INTERVAL_MS, signal);
    }
  }

  private recordNewBatches(node: number, seen: Map<number, Map<number, string>>): void {
    let byOffset = seen.get(node);
    if (!byOffset) seen.set(node, (byOffset = new Map()));
    const fresh: [number, number, number][] = [];
    for (const b of readMetadataBatches(this.cluster.dataDir(node))) {
      const key = `${b.epoch}/${b.crc}`;
      if (byOffset.get(b.baseOffset) === key) continue;
      byOffset.set(b.baseOffset, key);
      fresh.push([b.baseOffset, b.epoch, b.crc]);
    }
    if (fresh.length > 0) this.recorder.record({ f: 'metadata-log', type: 'ok', process: 'observer', time: this.recorder.now(), node, batches: fresh });
  }

  /** The topics one node's own Metadata answer lists. */
  private async topicsOn(node: number): Promise<Set<string>> {
    const client = await connectToNode(this.cluster, node, 'kafka-chaos-metadata-read', REQUEST_TIMEOUT_MS);
    try {
      const response = await client.send(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      return new Set((response.topics as { name: string | null; errorCode: number }[]).filter((t) => t.errorCode === 0 && t.name !== null).map((t) => t.name!));
    } finally {
      client.close();
    }
  }

  /**
   * Waits until every node lists every acknowledged topic (a node catching up is not a loss), up to
   * CATCH_UP_MS, then records what each node has. A node that cannot be asked is recorded with the
   * reason (a broker that halts rather than truncate committed metadata is an outcome, not a gap);
   * when no node can be asked, the history is incomplete and the run an error.
   */
  async finish(): Promise<void> {
    const nodes = this.cluster.nodeIds();
    const seen = new Map<number, Set<string>>();
    const errors = new Map<number, string>();
    await pollUntil(
      async () => {
        for (const node of nodes) {
          try {
            seen.set(node, await this.topicsOn(node));
            errors.delete(node);
          } catch (error) {
            seen.delete(node);
            errors.set(node, await this.whyUnanswered(node, error));
          }
        }
        // A node whose process ended by itself will not catch up: waiting for it is pointless.
        const waitingFor = [...errors.values()].filter((why) => !why.startsWith(EXITED));
        return waitingFor.length === 0 && [...seen.values()].every((topics) => [...this.acknowledged].every((t) => topics.has(t)));
      },
      { timeoutMs: CATCH_UP_MS, intervalMs: 1000, onError: () => {} },
    );
    for (const node of nodes) {
      const time = this.recorder.now();
      // A node that cannot answer still has its disk: what its metadata log holds is evidence too.
      const batches = readMetadataBatches(this.cluster.dataDir(node)).map((b): [number, number, number] => [b.baseOffset, b.epoch, b.crc]);
      const topics = seen.get(node);
      if (topics === undefined) {
        this.recorder.record({ f: 'metadata-read', type: 'fail', process: 'metadata', time, node, batches, error: errors.get(node) ?? 'never answered' });
        continue;
      }
      const ours = [...topics].filter((t) => t.startsWith(`${this.topicPrefix}-`)).sort();
      this.recorder.record({ f: 'metadata-read', type: 'ok', process: 'metadata', time, node, topics: ours, batches });
    }
    if (seen.size === 0) throw new Error(`no node's metadata could be read: ${[...errors].map(([n, e]) => `node ${n}: ${e}`).join('; ')}`);
  }

  /** Why a node did not answer: its process is gone although the harness did not stop it, or the request's error. */
  private async whyUnanswered(node: number, error: unknown): Promise<string> {
    const expected = this.cluster.node(node).state;
    const observed = await this.cluster.observeNode(node).catch(() => undefined);
    if (expected === 'running' && observed?.state === 'gone') return `${EXITED} (the harness did not stop it): ${errorMessage(error)}`;
    return errorMessage(error);
  }
}

declare module './workload.js' {
  interface WorkloadHandles {
    metadata: MetadataChanges;
  }
}

/** Metadata changes and a watch on the metadata quorum (`metadata:`), judged by the quorum checker. */
export const metadataKind = defineWorkload({
  name: 'metadata',
  startOrder: 3,
  present: (experiment) => experiment.metadata !== undefined,
  create({ experiment, cluster, recorder }) {
    const changes = new MetadataChanges(cluster, recorder, `${experiment.topic.name}-meta`, experiment.metadata!.createTopicEvery);
    return {
      handle: changes,
      start: async () => changes.start(),
      quiesce: () => changes.quiesce(),
      finish: () => changes.finish(),
      stop: () => changes.stop(),
      historyFiles: () => [],
      journalFiles: () => [],
    };
  },
  checker() {
    const checker = new QuorumChecker();
    return {
      add: (op) => checker.add(op),
      judge(result) {
        result.quorum = checker.result();
      },
    };
  },
});
