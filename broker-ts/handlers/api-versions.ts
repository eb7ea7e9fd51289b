// ApiVersions (key 18): the API keys and version ranges served on the listener the request came in
// on. v3+ requests carry the client's software name and version, which Kafka validates.
import { ApiKey, ErrorCode } from '../protocol/index.js';
import { defineHandler } from '../server/api-handler.js';

const SOFTWARE_NAME_OR_VERSION = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export const apiVersionsHandler = defineHandler({
  apiKey: ApiKey.ApiVersions,
  minVersion: 0,
  maxVersion: 4,
  handle(broker, body, context) {
    if (context.apiVersion >= 3) {
      const name = body.clientSoftwareName ?? '';
      const version = body.clientSoftwareVersion ?? '';
      if (!SOFTWARE_NAME_OR_VERSION.test(name) || !SOFTWARE_NAME_OR_VERSION.test(version)) {
        return { errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [], throttleTimeMs: 0 };
      }
    }
    return {
      errorCode: ErrorCode.NONE,
      apiKeys: broker.advertisedVersions(context.listenerName).map((v) => ({ ...v })),
      throttleTimeMs: 0,
    };
  },
});
