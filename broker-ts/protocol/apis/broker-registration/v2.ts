// The broker lists its log directories (KIP-858).
import * as t from '../../schema/types.js';
import * as v1 from './v1.js';

export * from './v1.js';

export const request = t.struct({ ...v1.request.fields, logDirs: t.array(t.uuid) });
