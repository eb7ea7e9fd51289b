// The controller (KRaft's QuorumController): the only writer of the metadata log. It runs
// operations one at a time, each planned by the manager of its concern against the committed image
// (cluster-control.ts: brokers and their liveness; replication-control.ts: topics, partitions, ISR
// and elections; reassignment-control.ts: replica moves; config-control.ts: configs;
// feature-control.ts: feature levels), and commits the records through the metadata quorum; every
// node then applies them to its image in log order (metadata-loader.ts).
import type { ConfigResolver } from '../config/config-resolver.js';
import { ApiError } from '../errors/api-error.js';
import type { Logger } from '../logging/logger.js';
import { ClusterControl } from './cluster-control.js';
import type { BrokerRegistrationRequest, HeartbeatRequest, HeartbeatResult } from './cluster-control.js';
import { ConfigControl } from './config-control.js';
import type { ConfigResourceChange, IncrementalConfigChange } from './config-control.js';
import { FeatureControl } from './feature-control.js';
import { ReassignmentControl } from './reassignment-control.js';
import type { OngoingReassignment, ReassignmentRequest, ReassignmentResult } from './reassignment-control.js';
import type { FeatureUpdate } from './feature-control.js';
import { ErrorCode } from '@kafka-chaos/protocol';
import type { MetadataImage, PartitionRegistration } from './metadata-image.js';
import type { MetadataRecord } from './metadata-records.js';
import { ReplicationControl, asApiError } from './replication-control.js';
import type { AlterPartitionItem, CreatedTopic, DeletedTopic, ElectionResult, NewPartitions, NewTopic, Plan, TopicReference } from './replication-control.js';

export type { BrokerRegistrationRequest, HeartbeatRequest, HeartbeatResult } from './cluster-control.js';
export type { ConfigResourceChange } from './config-control.js';
export type { FeatureUpdate } from './feature-control.js';
export type { OngoingReassignment, ReassignmentRequest, ReassignmentResult } from './reassignment-control.js';
export type { AlterPartitionItem, CreatedTopic, DeletedTopic, NewPartitions, NewTopic, TopicReference } from './replication-control.js';

/** Producer ids are handed to brokers in blocks (KRaft's AllocateProducerIds). */
export const PRODUCER_ID_BLOCK_SIZE = 1000;

/** What the controller needs from the metadata quorum. */
export interface ControllerQuorum {
  /** This node leads the quorum and has applied everything committed before its epoch. */
  readonly isActive: boolean;
  /** Appends records as the leader and resolves once they are committed and applied to the image; rejects with NOT_CONTROLLER if leadership is lost first. */
  commit(records: readonly MetadataRecord[]): Promise<void>;
  /** The offset the next appended record will get (a new broker epoch). */
  readonly nextOffset: bigint;
}

export interface ControllerSettings {
  nodeId: number;
  numPartitions: number;
  defaultReplicationFactor: number;
  deleteTopicEnable: boolean;
  brokerSessionTimeoutMs: number;
  /** broker.ts.bug.elect.any.replica */
  electAnyReplica: boolean;
}

export interface AlterPartitionResult {
  errorCode: number;
  state: PartitionRegistration | undefined;
}

/**
 * The active controller. Every node has one; it acts only while its node leads the metadata quorum
 * (other nodes forward their requests to it), like KRaft's controller event queue.
 */
export class Controller {
  private queue: Promise<unknown> = Promise.resolve();
  private wasActive = false;
  private readonly cluster: ClusterControl;
  private readonly replication: ReplicationControl;
  private readonly configControl: ConfigControl;
  private readonly featureControl: FeatureControl;
  private readonly reassignments: ReassignmentControl;

  constructor(
    private readonly image: MetadataImage,
    private readonly quorum: ControllerQuorum,
    settings: ControllerSettings,
    configs: ConfigResolver,
    private readonly logger: Logger,
    now: () => number = Date.now,
  ) {
    this.cluster = new ClusterControl(image, settings.brokerSessionTimeoutMs, logger, now);
    this.replication = new ReplicationControl(image, settings, configs, logger);
    this.configControl = new ConfigControl(image);
    this.featureControl = new FeatureControl(image, settings.nodeId, () => String(configs.staticOrDefault('min.insync.replicas')));
    this.reassignments = new ReassignmentControl(image);
  }

  get isActive(): boolean {
    return this.quorum.isActive;
  }

  /** Called on quorum and image changes: a newly active controller gives every broker a fresh lease. */
  onQuorumChange(): void {
    const active = this.quorum.isActive;
    if (active && !this.wasActive) {
      this.logger.info({ brokers: this.cluster.renewAllLeases() }, 'became the active controller');
      // The first active controller of a new cluster finalizes its feature levels, as Kafka's
      // writes the bootstrap records `kafka-storage format` left; a later one finds them there.
      void this.enqueue(() => this.commit(this.featureControl.bootstrapRecords())).catch((error: unknown) =>
        this.logger.warn({ err: error }, 'could not finalize the bootstrap feature levels; the next active controller will'),
      );
    }
    this.wasActive = active;
  }

  /** Periodic work of the active controller: fence brokers whose lease expired, elect leaders where possible. */
  tick(): Promise<void> {
    if (!this.quorum.isActive) return Promise.resolve();
    return this.enqueue(async () => {
      await this.commit(this.fencing(this.cluster.expiredBrokers()));
    }, false);
  }

  /** Records that fence brokers: their registrations, and their leaderships and ISR places given up. */
  private fencing(brokers: readonly { id: number; epoch: bigint }[]): MetadataRecord[] {
    const ids = brokers.map((broker) => broker.id);
    return [...brokers.map((broker) => this.cluster.fenceRecord(broker)), ...this.replication.partitionChanges(new Set(ids), ids)];
  }

  registerBroker(request: BrokerRegistrationRequest): Promise<bigint> {
    return this.enqueue(async () => {
      const brokerEpoch = this.quorum.nextOffset;
      const { records, replaces, uncleanShutdown } = this.cluster.register(request, brokerEpoch);
      // A new incarnation replaces the old one: it leaves its partitions (leadership, ISR) until it
      // catches up again, and, back from a crash, every ELR (its log may lack what it acknowledged).
      if (replaces) {
        const partitionRecords = this.replication.partitionChanges(
          new Set([request.brokerId]),
          [request.brokerId],
          undefined,
          uncleanShutdown ? request.brokerId : undefined,
        );
        records.push(...partitionRecords);
      }
      await this.quorum.commit(records);
      this.logger.info({ brokerId: request.brokerId, brokerEpoch }, 'registered broker');
      return brokerEpoch;
    });
  }

  heartbeat(request: HeartbeatRequest): Promise<HeartbeatResult> {
    return this.enqueue(async () => {
      const plan = this.cluster.heartbeat(request);
      if (plan.refused !== undefined) return plan.refused;
      const records = [...plan.records];
      if (plan.departing !== undefined) records.push(...this.replication.partitionChanges(new Set([plan.departing]), [plan.departing]));
      if (plan.joining !== undefined) records.push(...this.replication.partitionChanges(new Set(), [], plan.joining));
      await this.commit(records);
      let current = this.image.broker(request.brokerId)!;
      const shouldShutDown = request.wantShutDown && !this.replication.leadsAnyPartition(current.id);
      // Kafka's SHUTDOWN_NOW: a broker granted its shutdown is fenced at once, as one whose session
      // expired, so that nothing waits for it meanwhile (DeleteRecords counts unfenced brokers' replicas).
      if (shouldShutDown && !current.fenced) {
        await this.commit(this.fencing([current]));
        current = this.image.broker(request.brokerId)!;
      }
      return { errorCode: ErrorCode.NONE, isCaughtUp: plan.caughtUp, isFenced: current.fenced, shouldShutDown };
    });
  }

  alterPartition(brokerId: number, brokerEpoch: bigint, items: readonly AlterPartitionItem[]): Promise<AlterPartitionResult[]> {
    return this.enqueue(async () => {
      if (!this.cluster.isCurrent(brokerId, brokerEpoch, true)) return items.map(() => ({ errorCode: ErrorCode.STALE_BROKER_EPOCH, state: undefined }));
      const { results, records } = this.replication.alterPartition(brokerId, items);
      await this.commit(records);
      return results.map((outcome, i) => ({
        errorCode: outcome.errorCode,
        state: outcome.topic === undefined ? undefined : this.replication.partitionState(outcome.topic, items[i]!.partitionIndex),
      }));
    });
  }

  createTopics(topics: readonly NewTopic[], validateOnly: boolean): Promise<CreatedTopic[]> {
    return this.enqueue(async () => {
      const results = await this.commitPlan(this.replication.createTopics(topics, validateOnly));
      for (const result of results) {
        if (result.topicId !== undefined) {
          this.logger.info(
            { topic: result.name, topicId: result.topicId, partitions: result.numPartitions, replicationFactor: result.replicationFactor },
            'created topic',
          );
        }
      }
      return results;
    });
  }

  deleteTopics(references: readonly TopicReference[]): Promise<DeletedTopic[]> {
    return this.enqueue(async () => {
      const results = await this.commitPlan(this.replication.deleteTopics(references));
      for (const result of results) if (result.error === undefined) this.logger.info({ topic: result.name, topicId: result.topicId }, 'deleted topic');
      return results;
    });
  }

  electLeaders(electionType: number, partitions: readonly { topic: string; partitions: readonly number[] }[] | null): Promise<ElectionResult[]> {
    return this.enqueue(() => this.commitPlan(this.replication.electLeaders(electionType, partitions)));
  }

  createPartitions(requests: readonly NewPartitions[], validateOnly: boolean): Promise<{ name: string; error: ApiError | undefined }[]> {
    return this.enqueue(() => this.commitPlan(this.replication.createPartitions(requests, validateOnly)));
  }

  /** Legacy AlterConfigs: each resource's given configs replace all its previous ones. */
  alterConfigs(resources: readonly ConfigResourceChange[], validateOnly: boolean): Promise<{ error: ApiError | undefined }[]> {
    return this.commitConfigPlans(
      resources.map((resource) => () => this.configControl.planReplacement(resource)),
      validateOnly,
    );
  }

  /** IncrementalAlterConfigs: each resource's operations applied to its current configs. */
  incrementalAlterConfigs(resources: readonly IncrementalConfigChange[], validateOnly: boolean): Promise<{ error: ApiError | undefined }[]> {
    return this.commitConfigPlans(
      resources.map((resource) => () => this.configControl.planIncremental(resource)),
      validateOnly,
    );
  }

  /** Plans each resource's change on its own (one resource's error leaves the others), then commits them together. */
  private commitConfigPlans(plans: readonly (() => MetadataRecord[])[], validateOnly: boolean): Promise<{ error: ApiError | undefined }[]> {
    return this.enqueue(async () => {
      const records: MetadataRecord[] = [];
      const results = plans.map((plan) => {
        try {
          const changes = plan();
          if (!validateOnly) records.push(...changes);
          return { error: undefined };
        } catch (error) {
          return { error: asApiError(error) };
        }
      });
      await this.commit(records);
      return results;
    });
  }

  /** AlterPartitionReassignments: each partition's move started, or cancelled, on its own. */
  alterPartitionReassignments(requests: readonly ReassignmentRequest[], allowReplicationFactorChange: boolean): Promise<ReassignmentResult[]> {
    return this.enqueue(() => this.commitPlan(this.reassignments.alter(requests, allowReplicationFactorChange)));
  }

  /** ListPartitionReassignments, from the committed image. */
  listPartitionReassignments(topics: readonly { name: string; partitionIndexes: readonly number[] }[] | null): Promise<OngoingReassignment[]> {
    return this.enqueue(() => Promise.resolve(this.reassignments.list(topics)));
  }

  /** UpdateFeatures: every update checked, then all committed together, or none (the first refusal rejects). */
  updateFeatures(updates: readonly FeatureUpdate[], validateOnly: boolean): Promise<void> {
    return this.enqueue(async () => {
      const records = this.featureControl.planUpdates(updates);
      if (!validateOnly) await this.commit(records);
    });
  }

  /** Reserves a block of producer ids for a broker; resolves with its first id once the reservation is committed. */
  allocateProducerIds(brokerId: number, brokerEpoch: bigint): Promise<bigint> {
    return this.enqueue(async () => {
      if (!this.cluster.isCurrent(brokerId, brokerEpoch)) throw ApiError.of('STALE_BROKER_EPOCH');
      const first = this.image.nextProducerId;
      await this.quorum.commit([{ type: 'ProducerIds', data: { brokerId, brokerEpoch, nextProducerId: first + BigInt(PRODUCER_ID_BLOCK_SIZE) } }]);
      return first;
    });
  }

  /** Waits for the operations queued so far (shutdown). */
  async drain(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  /** Runs operations one at a time, and only while this node is the active controller. */
  private enqueue<T>(operation: () => Promise<T>, requireActive = true): Promise<T> {
    const guarded = () => {
      if (requireActive && !this.quorum.isActive) throw ApiError.of('NOT_CONTROLLER', 'This node is not the active controller.');
      return operation();
    };
    const run = this.queue.then(guarded, guarded);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async commit(records: readonly MetadataRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.quorum.commit(records);
  }

  private async commitPlan<T>(plan: Plan<T>): Promise<T> {
    await this.commit(plan.records);
    return plan.results;
  }
}
