// Every API broker-ts serves to clients, one handler per key. What is here is what ApiVersions
// advertises on broker listeners (WriteTxnMarkers included: other brokers' transaction
// coordinators send it to the inter-broker listener, and Kafka lists it on every broker listener
// too); the Raft/controller APIs are served on controller listeners only. SaslHandshake and SaslAuthenticate are listed on every listener, as Kafka
// lists them; their handlers only answer requests that come after authentication.
import type { ApiHandler } from '../server/api-handler.js';
import { alterConfigsHandler } from './alter-configs.js';
import { apiVersionsHandler } from './api-versions.js';
import { createPartitionsHandler } from './create-partitions.js';
import { createTopicsHandler } from './create-topics.js';
import { deleteGroupsHandler } from './delete-groups.js';
import { deleteRecordsHandler } from './delete-records.js';
import { deleteTopicsHandler } from './delete-topics.js';
import { describeClusterHandler } from './describe-cluster.js';
import { describeConfigsHandler } from './describe-configs.js';
import { describeGroupsHandler } from './describe-groups.js';
import { describeLogDirsHandler } from './describe-log-dirs.js';
import { describeProducersHandler } from './describe-producers.js';
import { describeTopicPartitionsHandler } from './describe-topic-partitions.js';
import { describeTransactionsHandler } from './describe-transactions.js';
import { listTransactionsHandler } from './list-transactions.js';
import { fetchHandler } from './fetch.js';
import { findCoordinatorHandler } from './find-coordinator.js';
import { heartbeatHandler } from './heartbeat.js';
import { incrementalAlterConfigsHandler } from './incremental-alter-configs.js';
import { initProducerIdHandler } from './init-producer-id.js';
import { joinGroupHandler } from './join-group.js';
import { leaveGroupHandler } from './leave-group.js';
import { listGroupsHandler } from './list-groups.js';
import { listOffsetsHandler } from './list-offsets.js';
import { metadataHandler } from './metadata.js';
import { offsetCommitHandler } from './offset-commit.js';
import { electLeadersHandler } from './elect-leaders.js';
import { offsetDeleteHandler } from './offset-delete.js';
import { offsetFetchHandler } from './offset-fetch.js';
import { offsetForLeaderEpochHandler } from './offset-for-leader-epoch.js';
import { produceHandler } from './produce.js';
import { saslAuthenticateHandler } from './sasl-authenticate.js';
import { saslHandshakeHandler } from './sasl-handshake.js';
import { syncGroupHandler } from './sync-group.js';
import { allocateProducerIdsHandler } from './allocate-producer-ids.js';
import { alterPartitionHandler } from './alter-partition.js';
import { beginQuorumEpochHandler } from './begin-quorum-epoch.js';
import { brokerHeartbeatHandler } from './broker-heartbeat.js';
import { brokerRegistrationHandler } from './broker-registration.js';
import { describeQuorumHandler } from './describe-quorum.js';
import { endQuorumEpochHandler } from './end-quorum-epoch.js';
import { forwardToController } from './forward-to-controller.js';
import { metadataFetchHandler } from './metadata-fetch.js';
import { voteHandler } from './vote.js';
import { addOffsetsToTxnHandler } from './add-offsets-to-txn.js';
import { addPartitionsToTxnHandler } from './add-partitions-to-txn.js';
import { endTxnHandler } from './end-txn.js';
import { txnOffsetCommitHandler } from './txn-offset-commit.js';
import { updateFeaturesHandler } from './update-features.js';
import { alterPartitionReassignmentsHandler } from './alter-partition-reassignments.js';
import { listPartitionReassignmentsHandler } from './list-partition-reassignments.js';
import { writeTxnMarkersHandler } from './write-txn-markers.js';
import { consumerGroupHeartbeatHandler } from './consumer-group-heartbeat.js';
import { consumerGroupDescribeHandler } from './consumer-group-describe.js';

export const BROKER_API_HANDLERS: readonly ApiHandler[] = [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  offsetCommitHandler,
  offsetFetchHandler,
  findCoordinatorHandler,
  joinGroupHandler,
  heartbeatHandler,
  leaveGroupHandler,
  syncGroupHandler,
  describeGroupsHandler,
  listGroupsHandler,
  saslHandshakeHandler,
  apiVersionsHandler,
  forwardToController(createTopicsHandler),
  forwardToController(deleteTopicsHandler),
  deleteRecordsHandler,
  initProducerIdHandler,
  offsetForLeaderEpochHandler,
  addPartitionsToTxnHandler,
  addOffsetsToTxnHandler,
  endTxnHandler,
  writeTxnMarkersHandler,
  txnOffsetCommitHandler,
  describeConfigsHandler,
  forwardToController(alterConfigsHandler),
  describeLogDirsHandler,
  forwardToController(incrementalAlterConfigsHandler),
  forwardToController(alterPartitionReassignmentsHandler),
  forwardToController(listPartitionReassignmentsHandler),
  saslAuthenticateHandler,
  forwardToController(createPartitionsHandler),
  deleteGroupsHandler,
  forwardToController(electLeadersHandler),
  offsetDeleteHandler,
  describeQuorumHandler,
  forwardToController(updateFeaturesHandler),
  describeClusterHandler,
  describeProducersHandler,
  describeTransactionsHandler,
  listTransactionsHandler,
  consumerGroupHeartbeatHandler,
  consumerGroupDescribeHandler,
  describeTopicPartitionsHandler,
] as unknown as readonly ApiHandler[];

/**
 * A controller listener serves the metadata quorum (Vote, BeginQuorumEpoch, EndQuorumEpoch, Fetch of
 * __cluster_metadata, DescribeQuorum), the brokers' controller APIs (BrokerRegistration,
 * BrokerHeartbeat, AlterPartition, AllocateProducerIds) and the admin requests brokers forward.
 */
export const CONTROLLER_API_HANDLERS: readonly ApiHandler[] = [
  metadataFetchHandler,
  saslHandshakeHandler,
  apiVersionsHandler,
  createTopicsHandler,
  deleteTopicsHandler,
  alterConfigsHandler,
  incrementalAlterConfigsHandler,
  alterPartitionReassignmentsHandler,
  listPartitionReassignmentsHandler,
  saslAuthenticateHandler,
  createPartitionsHandler,
  electLeadersHandler,
  voteHandler,
  beginQuorumEpochHandler,
  endQuorumEpochHandler,
  describeQuorumHandler,
  alterPartitionHandler,
  updateFeaturesHandler,
  brokerRegistrationHandler,
  brokerHeartbeatHandler,
  allocateProducerIdsHandler,
] as unknown as readonly ApiHandler[];
