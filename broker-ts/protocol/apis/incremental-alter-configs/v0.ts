// The answer is laid out as AlterConfigs' is; the request names an operation per config.
import * as t from '../../schema/types.js';

export { AlterConfigsResourceResponse, response } from '../alter-configs/v0.js';

export const AlterableConfig = t.struct({
  name: t.string,
  /** 0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT. */
  configOperation: t.int8,
  value: t.nullableString,
});

export const AlterConfigsResource = t.struct({
  resourceType: t.int8,
  resourceName: t.string,
  configs: t.array(AlterableConfig),
});

export const request = t.struct({
  resources: t.array(AlterConfigsResource),
  validateOnly: t.bool,
});
