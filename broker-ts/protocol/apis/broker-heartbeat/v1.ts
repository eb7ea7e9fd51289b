// The broker reports failed log directories (KIP-858).
import * as t from '../../schema/types.js';
import * as v0 from './v0.js';

export * from './v0.js';

export const request = t.struct({ ...v0.request.fields, offlineLogDirs: t.tagged(0, t.array(t.uuid)) });
