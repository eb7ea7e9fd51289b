// KIP-460: the election type (0 preferred, 1 unclean), and an error for the whole request.
import * as t from '../../schema/types.js';
import { ReplicaElectionResult, TopicPartitions } from './v0.js';

export const request = t.struct({
  electionType: t.int8,
  topicPartitions: t.nullableArray(TopicPartitions),
  timeoutMs: t.int32,
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  errorCode: t.int16,
  replicaElectionResults: t.array(ReplicaElectionResult),
});
