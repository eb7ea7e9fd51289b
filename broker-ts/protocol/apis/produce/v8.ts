// Responses can say which records made a batch fail (KIP-467).
import * as t from '../../schema/types.js';
import * as v7 from './v7.js';

export * from './v7.js';

export const BatchIndexAndErrorMessage = t.struct({
  batchIndex: t.int32,
  batchIndexErrorMessage: t.withDefault(t.nullableString, null),
});

export const PartitionProduceResponse = t.struct({
  ...v7.PartitionProduceResponse.fields,
  recordErrors: t.array(BatchIndexAndErrorMessage),
  errorMessage: t.withDefault(t.nullableString, null),
});

export const TopicProduceResponse = t.struct({
  ...v7.TopicProduceResponse.fields,
  partitionResponses: t.array(PartitionProduceResponse),
});

export const response = t.struct({
  ...v7.response.fields,
  responses: t.array(TopicProduceResponse),
});
