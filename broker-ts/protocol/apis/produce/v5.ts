// Responses gain logStartOffset, which lets producers tell a truncated log from a lost sequence.
import * as t from '../../schema/types.js';
import * as v4 from './v4.js';

export * from './v4.js';

export const PartitionProduceResponse = t.struct({
  ...v4.PartitionProduceResponse.fields,
  logStartOffset: t.withDefault(t.int64, -1n),
});

export const TopicProduceResponse = t.struct({
  ...v4.TopicProduceResponse.fields,
  partitionResponses: t.array(PartitionProduceResponse),
});

export const response = t.struct({
  ...v4.response.fields,
  responses: t.array(TopicProduceResponse),
});
