// What request handlers may use of the broker: its configuration and identity, the metadata image,
// the controller, partitions, the group and transaction coordinators and the producer id manager. All of it lives
// on the one event loop; handlers read state directly and await only I/O.
import type { BrokerConfig } from '../config/broker-config.js';
import type { ConfigResolver } from '../config/config-resolver.js';
import type { Controller } from '../metadata/controller.js';
import type { ControllerChannel } from '../metadata/controller-channel.js';
import type { BrokerLifecycle } from '../metadata/broker-lifecycle.js';
import type { MetadataQuorum } from '../metadata/metadata-quorum.js';
import type { RaftDriver } from '../raft/raft-driver.js';
import type { MetadataImage } from '../metadata/metadata-image.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import type { GroupCoordinator } from '../group/group-coordinator.js';
import type { TransactionCoordinator } from '../txn/transaction-coordinator.js';
import type { Logger } from '../logging/logger.js';
import type { ProducerIdManager } from '../producer/producer-id-manager.js';
import type { FetchSessionCache } from './fetch-session-cache.js';

export interface AdvertisedVersion {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface BrokerServices {
  readonly config: BrokerConfig;
  readonly nodeId: number;
  readonly clusterId: string;
  readonly logger: Logger;
  readonly image: MetadataImage;
  readonly controller: Controller;
  /** This node's voter in the metadata quorum. */
  readonly raft: RaftDriver;
  readonly quorum: MetadataQuorum;
  /** Requests to the active controller (forwarded admin requests, AlterPartition, producer id blocks). */
  readonly controllerChannel: ControllerChannel;
  /** Registration and heartbeats: this broker's epoch and whether it is fenced. */
  readonly lifecycle: BrokerLifecycle;
  readonly replicas: ReplicaManager;
  readonly groups: GroupCoordinator;
  readonly txns: TransactionCoordinator;
  readonly producerIds: ProducerIdManager;
  readonly configs: ConfigResolver;
  readonly fetchSessions: FetchSessionCache;
  /** The APIs and versions served on a listener (ApiVersions). */
  advertisedVersions(listenerName: string): readonly AdvertisedVersion[];
  /** Creates __consumer_offsets or __transaction_state if it does not exist yet (the first FindCoordinator for it does). */
  ensureInternalTopic(name: string): Promise<void>;
  /**
   * Starts creating topics a Metadata request asked for (auto.create.topics.enable), without
   * waiting; false for a topic whose creation is already under way.
   */
  autoCreateTopic(name: string): boolean;
}
