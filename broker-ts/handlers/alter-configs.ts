// AlterConfigs (key 33, the legacy non-incremental form): the given configs replace every previous
// override of the resource. Topic configs are validated as Kafka validates them; for brokers only
// keys Kafka can change at run time are accepted.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import type { ApiError } from '../errors/api-error.js';
import { defineHandler } from '../server/api-handler.js';

export const alterConfigsHandler = defineHandler({
  apiKey: ApiKey.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  async handle(broker, body) {
    const results = await broker.controller.alterConfigs(
      body.resources.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, configs: r.configs })),
      body.validateOnly,
    );
    return configResponses(body.resources, results);
  },
});

/** The answer of AlterConfigs and IncrementalAlterConfigs: each resource with its error, if any. */
export function configResponses(resources: readonly { resourceType: number; resourceName: string }[], results: readonly { error: ApiError | undefined }[]) {
  return {
    throttleTimeMs: 0,
    responses: resources.map((resource, i) => ({
      errorCode: results[i]!.error?.code ?? ErrorCode.NONE,
      errorMessage: results[i]!.error?.responseMessage ?? null,
      resourceType: resource.resourceType,
      resourceName: resource.resourceName,
    })),
  };
}
