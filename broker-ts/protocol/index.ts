// The Kafka wire protocol as broker-ts, its tests and the harness use it.
//
// Broker side:  FrameDecoder -> decodeRequest(frame) -> switch (request.apiKey) -> encodeResponse(...)
// Client side:  WireClient.connect({ host, port, tls?, sasl? }) -> client.send(ApiKey.Metadata, 12, {...})
// Records:      encodeRecordBatch / decodeRecordBatches; batch headers in record-batch.ts

export { Reader } from './codec/reader.js';
export { Writer } from './codec/writer.js';
export { ProtocolError } from './codec/protocol-error.js';
export type { ProtocolErrorReason } from './codec/protocol-error.js';
export type { TaggedField } from './codec/tagged-field.js';

export * as schema from './schema/types.js';
export { compile, UNKNOWN_TAGGED_FIELDS } from './schema/compile.js';
export type { Codec } from './schema/compile.js';
export type { MergeVersions } from './schema/merge-versions.js';

export { ApiKey, apiKeyName } from './api-keys.js';
export type { ApiKeyName } from './api-keys.js';
export type { Api, RequestAt, RequestOf, ResponseAt, ResponseOf } from './apis/api.js';
export { isFlexibleVersion, supportsVersion } from './apis/api.js';
export { APIS, API_LIST, apiByKey, isSupportedApiKey, supportedVersionRanges, versionEntry } from './registry.js';
export type { RequestBody, ResponseBody, SupportedApiKey } from './registry.js';

export { readRequestHeader, readResponseHeader, requestHeaderVersion, responseHeaderVersion, writeRequestHeader, writeResponseHeader } from './headers.js';
export type { RequestHeader, RequestHeaderVersion, ResponseHeader, ResponseHeaderVersion } from './headers.js';

export { DEFAULT_MAX_FRAME_SIZE, FRAME_SIZE_BYTES, FrameDecoder } from './frame.js';
export type { FrameBatch } from './frame.js';

export { UnsupportedRequestError, decodeRequest, encodeRawRequest, encodeRequest } from './request-codec.js';
export type { DecodedRequest, OutgoingRequestHeader } from './request-codec.js';
export { decodeResponse, encodeResponse, encodeResponseChunks, encodeUnsupportedApiVersionsResponse, peekCorrelationId } from './response-codec.js';
export type { DecodedResponse } from './response-codec.js';

export { ERROR_CODES, ErrorCode, errorByCode, errorName, isRetriable } from './error-codes.js';
export type { ErrorCodeName, KafkaError } from './error-codes.js';

export * from './record-batch.js';
export { crc32c } from './crc32c.js';
export type { DecodedRecord, RecordHeader, RecordInput } from './records/record.js';
export { encodeRecordBatch } from './records/encode-batch.js';
export type { BatchOptions } from './records/encode-batch.js';
export { decodeRecordBatch, decodeRecordBatches, measureRecordBatch } from './records/decode-batch.js';
export type { DecodeOptions, DecodedBatch } from './records/decode-batch.js';
export { ControlRecordType, encodeTransactionMarkerBatch, readTransactionMarker, transactionMarkerAt } from './records/control-record.js';
export type { MarkerBatchOptions, TransactionMarker } from './records/control-record.js';
export { MAX_DECOMPRESSED_BYTES, UnsupportedCompressionError } from './records/compression.js';

export { ConnectionClosedError, RequestTimeoutError, SaslAuthenticationError, WireClient } from './client.js';
export type { SendOptions, VersionRange, WireClientOptions } from './client.js';

export { SASL_MECHANISMS, isSaslMechanism, saslClientExchange } from './sasl/client-mechanisms.js';
export type { SaslClientExchange, SaslCredentials, SaslMechanism } from './sasl/client-mechanisms.js';
export { encodePlainToken, parsePlainToken } from './sasl/plain.js';
export type { PlainCredentials } from './sasl/plain.js';
export {
  GS2_HEADER,
  GS2_HEADER_BASE64,
  SCRAM_MAX_ITERATIONS,
  SCRAM_MECHANISMS,
  SCRAM_MIN_ITERATIONS,
  ScramClient,
  ScramFormatError,
  isScramMechanism,
  parseScramAttributes,
  requireAttribute,
  scramCredential,
  scramNonce,
  serverSignature,
  unescapeSaslName,
  verifyClientProof,
} from './sasl/scram.js';
export type { ScramCredential, ScramMechanism } from './sasl/scram.js';

export {
  CONSUMER_PROTOCOL_TYPE,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  subscribedTopicsOf,
  subscriptionVersion,
} from './consumer-protocol.js';
export type { ConsumerProtocolSubscription, TopicPartitionsByName } from './consumer-protocol.js';
