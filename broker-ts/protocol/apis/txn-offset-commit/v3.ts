// First flexible version. The group member commits under its identity so zombies are fenced (KIP-447).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v2 from './v2.js';

export * from './v2.js';

export const request = t.struct(
  insertAfter(v2.request.fields, 'producerEpoch', {
    // Kafka 4.4 renamed it: the member epoch when the group uses the consumer protocol (KIP-848).
    generationIdOrMemberEpoch: t.withDefault(t.int32, -1),
    memberId: t.string,
    groupInstanceId: t.withDefault(t.nullableString, null),
  }),
);
