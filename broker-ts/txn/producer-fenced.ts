// KIP-588 gave fenced producers their own error, PRODUCER_FENCED, in the request versions it
// bumped; older versions (kafkajs's) get INVALID_PRODUCER_EPOCH for the same condition, as Kafka does.
import { ErrorCode } from '@kafka-chaos/protocol';

export function fencedForVersion(errorCode: number, apiVersion: number, firstVersionWithProducerFenced: number): number {
  if (errorCode === ErrorCode.PRODUCER_FENCED && apiVersion < firstVersionWithProducerFenced) return ErrorCode.INVALID_PRODUCER_EPOCH;
  return errorCode;
}
