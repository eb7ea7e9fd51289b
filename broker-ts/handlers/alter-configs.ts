// AlterConfigs (key 33, the legacy non-incremental form): the given configs replace every previous
// override of the resource. Topic configs are validated as Kafka validates them; for brokers only
// keys Kafka can change at run time are accepted. A key given twice or without a value is refused.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { ApiError } from '../errors/api-error.js';
import { defineHandler } from '../server/api-handler.js';

export const alterConfigsHandler = defineHandler({
  apiKey: ApiKey.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  async handle(broker, body) {
    const refusals = body.resources.map(malformedConfigsError);
    const results = await broker.controller.alterConfigs(
      body.resources
        .filter((_, i) => refusals[i] === undefined)
        .map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, configs: r.configs })),
      body.validateOnly,
    );
    const applied = results.values();
    return configResponses(
      body.resources,
      refusals.map((error) => (error === undefined ? applied.next().value! : { error })),
    );
  },
});

/**
 * What Kafka's ConfigAdminManager.preprocess refuses in a legacy AlterConfigs resource before the
 * controller sees it, whatever the resource: a key given twice, then null values (this API
 * removes a key by leaving it out).
 */
function malformedConfigsError(resource: { configs: readonly { name: string; value: string | null }[] }): ApiError | undefined {
  const names = resource.configs.map((c) => c.name);
  if (new Set(names).size !== names.length) return ApiError.of('INVALID_REQUEST', 'Error due to duplicate config keys');
  const nullValued = resource.configs.filter((c) => c.value === null).map((c) => c.name);
  if (nullValued.length > 0) return ApiError.of('INVALID_REQUEST', `Null value not supported for : ${nullValued.join(', ')}`);
  return undefined;
}

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
