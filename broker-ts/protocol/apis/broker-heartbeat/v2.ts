// The broker reports cordoned log directories, which take no new replicas (new in Kafka 4.x;
// null until the broker reaches the RECOVERY state).
import * as t from '../../schema/types.js';
import * as v1 from './v1.js';

export * from './v1.js';

export const request = t.struct({ ...v1.request.fields, cordonedLogDirs: t.tagged(1, t.nullableArray(t.uuid), null) });
