// Reassignment control (the reassignment part of KRaft's ReplicationControlManager):
// AlterPartitionReassignments checked against the image and planned as PartitionChangeRecords, and
// ListPartitionReassignments read from it. The moves themselves follow partition-reassignment.ts;
// the ISR change that completes one is planned with the other ISR changes (replication-control.ts).
import { ErrorCode } from '@kafka-chaos/protocol';
import { ApiError } from '../errors/api-error.js';
import type { MetadataImage, PartitionRegistration } from './metadata-image.js';
import type { MetadataRecord } from './metadata-records.js';
import { isReassigning, originalReplicas, replicaSetChangeRecord, revertReassignment, startReassignment } from './partition-reassignment.js';
import { validateAssignment } from './replica-placement.js';

export interface ReassignmentRequest {
  topic: string;
  partitions: readonly { partitionIndex: number; /** null cancels the ongoing reassignment. */ replicas: readonly number[] | null }[];
}

export interface ReassignmentResult {
  topic: string;
  partitions: { partitionIndex: number; error: ApiError | undefined }[];
}

export interface OngoingReassignment {
  topic: string;
  partitions: { partitionIndex: number; replicas: number[]; addingReplicas: number[]; removingReplicas: number[] }[];
}

export class ReassignmentControl {
  constructor(private readonly image: MetadataImage) {}

  /** Each partition on its own: one refused leaves the others to go ahead. */
  alter(requests: readonly ReassignmentRequest[], allowReplicationFactorChange: boolean): { results: ReassignmentResult[]; records: MetadataRecord[] } {
    const records: MetadataRecord[] = [];
    const results = requests.map((request) => ({
      topic: request.topic,
      partitions: request.partitions.map(({ partitionIndex, replicas }) => {
        try {
          const record = this.planOne(request.topic, partitionIndex, replicas, allowReplicationFactorChange);
          if (record !== undefined) records.push(record);
          return { partitionIndex, error: undefined };
        } catch (error) {
          if (error instanceof ApiError) return { partitionIndex, error };
          throw error;
        }
      }),
    }));
    return { results, records };
  }

  /** The partitions being reassigned, of the topics and partitions asked for (all when null). */
  list(requested: readonly { name: string; partitionIndexes: readonly number[] }[] | null): OngoingReassignment[] {
    const wanted =
      requested === null
        ? [...this.image.topics()].map((t) => ({ name: t.name, partitionIndexes: [...t.partitions.keys()].sort((a, b) => a - b) }))
        : requested;
    const ongoing: OngoingReassignment[] = [];
    for (const { name, partitionIndexes } of wanted) {
      const topic = this.image.topic(name);
      if (topic === undefined) continue;
      const partitions = partitionIndexes
        .map((index) => topic.partitions.get(index))
        .filter((p): p is PartitionRegistration => p !== undefined && isReassigning(p))
        .map((p) => ({
          partitionIndex: p.partition,
          replicas: [...p.replicas],
          addingReplicas: [...p.addingReplicas],
          removingReplicas: [...p.removingReplicas],
        }));
      if (partitions.length > 0) ongoing.push({ topic: name, partitions });
    }
    return ongoing;
  }

  private planOne(
    topicName: string,
    partitionIndex: number,
    target: readonly number[] | null,
    allowReplicationFactorChange: boolean,
  ): MetadataRecord | undefined {
    const topic = this.image.topic(topicName);
    if (topic === undefined) throw ApiError.of('UNKNOWN_TOPIC_OR_PARTITION', `Unable to find a topic named ${topicName}.`);
    const partition = topic.partitions.get(partitionIndex);
    if (partition === undefined) throw ApiError.of('UNKNOWN_TOPIC_OR_PARTITION', `Unable to find partition ${topicName}:${partitionIndex}.`);
    const eligible = (id: number) => {
      const broker = this.image.broker(id);
      return broker !== undefined && !broker.fenced && !broker.inControlledShutdown;
    };
    if (target === null) {
      if (!isReassigning(partition)) throw new ApiError(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, null);
      return replicaSetChangeRecord(partition, revertReassignment(partition, eligible));
    }
    // Registered, fenced or not: a stopped broker may be given a replica it takes up when it returns.
    validateAssignment(target, new Set([...this.image.brokers()].map((b) => b.id)));
    if (!allowReplicationFactorChange && target.length !== originalReplicas(partition).length) {
      throw ApiError.of(
        'INVALID_REPLICATION_FACTOR',
        `The replication factor is changed from ${originalReplicas(partition).length} to ${target.length} but allowReplicationFactorChange is false`,
      );
    }
    return replicaSetChangeRecord(partition, startReassignment(partition, target, eligible));
  }
}
