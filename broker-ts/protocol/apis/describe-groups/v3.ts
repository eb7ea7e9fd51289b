// Authorized operations can be requested (KIP-430).
import * as t from '../../schema/types.js';
import * as v2 from './v2.js';

export * from './v2.js';

/** Kafka's marker for "authorized operations were not requested". */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export const request = t.struct({ ...v2.request.fields, includeAuthorizedOperations: t.bool });

export const DescribedGroup = t.struct({
  ...v2.DescribedGroup.fields,
  authorizedOperations: t.withDefault(t.int32, AUTHORIZED_OPERATIONS_OMITTED),
});

export const response = t.struct({ ...v2.response.fields, groups: t.array(DescribedGroup) });
