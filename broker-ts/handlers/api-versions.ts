// ApiVersions (key 18): the API keys and version ranges served on the listener the request came in
// on. v3+ requests carry the client's software name and version, which Kafka validates; v5+ requests
// may name the cluster and node the client means to reach (KIP-1242), checked after the name. v3+
// responses carry the supported and finalized feature levels (KIP-584), which `kafka-features
// describe` prints.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { SUPPORTED_FEATURES, consumerGroupProtocolEnabled } from '../metadata/features.js';
import type { MetadataImage } from '../metadata/metadata-image.js';
import { defineHandler } from '../server/api-handler.js';

const SOFTWARE_NAME_OR_VERSION = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;
const NO_NODE_ID = -1;
const CONSUMER_GROUP_PROTOCOL_APIS: ReadonlySet<number> = new Set([ApiKey.ConsumerGroupHeartbeat, ApiKey.ConsumerGroupDescribe]);

function refusal(errorCode: number) {
  return { errorCode, apiKeys: [], throttleTimeMs: 0 };
}

export const apiVersionsHandler = defineHandler({
  apiKey: ApiKey.ApiVersions,
  minVersion: 0,
  maxVersion: 5,
  handle(broker, body, context) {
    if (context.apiVersion >= 3) {
      const name = body.clientSoftwareName ?? '';
      const version = body.clientSoftwareVersion ?? '';
      if (!SOFTWARE_NAME_OR_VERSION.test(name) || !SOFTWARE_NAME_OR_VERSION.test(version)) return refusal(ErrorCode.INVALID_REQUEST);
    }
    if (context.apiVersion >= 5) {
      const clusterId = body.clusterId ?? null;
      const nodeId = body.nodeId ?? NO_NODE_ID;
      // As Kafka 4.4 does: any node id other than -1 counts as given, an empty cluster id too.
      if ((clusterId !== null) !== (nodeId !== NO_NODE_ID)) return refusal(ErrorCode.INVALID_REQUEST);
      if (clusterId !== null && (clusterId !== broker.clusterId || nodeId !== broker.nodeId)) return refusal(ErrorCode.REBOOTSTRAP_REQUIRED);
    }
    return {
      errorCode: ErrorCode.NONE,
      // As Kafka: the consumer group protocol's APIs only while group.version is 1 or more.
      apiKeys: broker
        .advertisedVersions(context.listenerName)
        .filter(
          (v) =>
            consumerGroupProtocolEnabled(broker.image.finalizedFeatures(), broker.config.groupCoordinatorRebalanceProtocols) ||
            !CONSUMER_GROUP_PROTOCOL_APIS.has(v.apiKey),
        )
        .map((v) => ({ ...v })),
      throttleTimeMs: 0,
      ...features(broker.image, context.apiVersion),
    };
  },
});

function features(image: MetadataImage, apiVersion: number) {
  const finalized = image.finalizedFeatures();
  return {
    // Before v4 a supported range could not start at 0, and Kafka leaves such features out.
    supportedFeatures: [...SUPPORTED_FEATURES]
      .filter(([, range]) => apiVersion >= 4 || range.minVersion > 0)
      .map(([name, range]) => ({ name, minVersion: range.minVersion, maxVersion: range.maxVersion })),
    // As Kafka's: the offset of the metadata the levels were read from, -1 before there are any.
    finalizedFeaturesEpoch: finalized.size === 0 ? -1n : image.offset,
    finalizedFeatures: [...finalized].map(([name, level]) => ({ name, maxVersionLevel: level, minVersionLevel: level })),
  };
}
