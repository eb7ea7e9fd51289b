// ISR members are named with their broker epochs, so a restarted broker is not taken for its old
// self (KIP-903).
import * as t from '../../schema/types.js';
import { replaceField } from '../../schema/fields.js';
import * as v2 from './v2.js';

export * from './v2.js';

export const BrokerState = t.struct({
  brokerId: t.int32,
  brokerEpoch: t.withDefault(t.int64, -1n),
});

export const PartitionData = t.struct(replaceField(v2.PartitionData.fields, 'newIsr', { newIsrWithEpochs: t.array(BrokerState) }));

export const TopicData = t.struct({ ...v2.TopicData.fields, partitions: t.array(PartitionData) });

export const request = t.struct({ ...v2.request.fields, topics: t.array(TopicData) });
