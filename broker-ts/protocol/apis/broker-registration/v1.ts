// ZooKeeper migration flag (KIP-866).
import * as t from '../../schema/types.js';
import * as v0 from './v0.js';

export * from './v0.js';

export const request = t.struct({ ...v0.request.fields, isMigratingZkBroker: t.bool });
