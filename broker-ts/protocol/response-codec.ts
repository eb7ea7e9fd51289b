// Responses on the wire. The broker encodes them (encodeResponse) and clients decode them
// (decodeResponse). Encoders return whole frames, size prefix included; decoders take frames as
// FrameDecoder yields them, without it.
import { Reader } from './codec/reader.js';
import { Writer } from './codec/writer.js';
import { ProtocolError, withContext } from './codec/protocol-error.js';
import { ApiKey, apiKeyName } from './api-keys.js';
import type { ResponseHeader } from './headers.js';
import { readResponseHeader, writeResponseHeader } from './headers.js';
import { messageCodecs } from './message-codecs.js';
import type { ResponseBody, SupportedApiKey } from './registry.js';
import { APIS } from './registry.js';
import { FRAME_SIZE_BYTES } from './frame.js';
import { ErrorCode } from './error-codes.js';

/**
 * Encodes a response as chunks of one frame, size prefix included. Large byte arrays in the body
 * (record batches) are referenced, not copied: write the chunks in order (socket.cork/writev).
 * `header` may be the decoded request header: only its correlation id is used.
 */
export function encodeResponseChunks<K extends SupportedApiKey>(header: ResponseHeader, apiKey: K, apiVersion: number, body: ResponseBody<K>): Buffer[] {
  const codecs = messageCodecs(apiKey, apiVersion);
  if (codecs === undefined) throw new RangeError(`${apiKeyName(apiKey)} v${apiVersion} is not implemented`);
  const w = new Writer();
  const sizePrefix = w.reserve(FRAME_SIZE_BYTES);
  writeResponseHeader(w, { correlationId: header.correlationId }, codecs.responseHeaderVersion);
  codecs.response.write(w, body as Record<string, unknown>);
  sizePrefix.writeInt32BE(w.length - FRAME_SIZE_BYTES, 0);
  return w.toChunks();
}

/** Encodes a response as one frame, size prefix included. */
export function encodeResponse<K extends SupportedApiKey>(header: ResponseHeader, apiKey: K, apiVersion: number, body: ResponseBody<K>): Buffer {
  const chunks = encodeResponseChunks(header, apiKey, apiVersion, body);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/**
 * Kafka's answer to an ApiVersions request of a version it does not know: the v0 layout (header v0,
 * no throttle time), UNSUPPORTED_VERSION, and only ApiVersions' own range, so the client can retry
 * with a version both sides know.
 */
export function encodeUnsupportedApiVersionsResponse(correlationId: number): Buffer {
  const { minVersion, maxVersion } = APIS[ApiKey.ApiVersions];
  return encodeResponse({ correlationId }, ApiKey.ApiVersions, 0, {
    errorCode: ErrorCode.UNSUPPORTED_VERSION,
    apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion, maxVersion }],
  });
}

export interface DecodedResponse<K extends SupportedApiKey> {
  header: ResponseHeader;
  body: ResponseBody<K>;
}

/**
 * Decodes one response frame (without its size prefix). The caller knows which request it
 * answers, from the correlation id (see peekCorrelationId).
 * @throws ProtocolError when the bytes are malformed.
 */
export function decodeResponse<K extends SupportedApiKey>(frame: Buffer, apiKey: K, apiVersion: number): DecodedResponse<K> {
  const codecs = messageCodecs(apiKey, apiVersion);
  if (codecs === undefined) throw new RangeError(`${apiKeyName(apiKey)} v${apiVersion} is not implemented`);
  const r = new Reader(frame);
  try {
    const header = readResponseHeader(r, codecs.responseHeaderVersion);
    const bodyStart = r.offset;
    try {
      return { header, body: codecs.response.read(r) as ResponseBody<K> };
    } catch (error) {
      // A broker that does not know the ApiVersions version asked for answers in the v0 layout
      // (UNSUPPORTED_VERSION plus its own range); Kafka's clients retry the parse as v0 likewise.
      if (apiKey !== ApiKey.ApiVersions || apiVersion === 0 || !(error instanceof ProtocolError)) throw error;
      r.offset = bodyStart;
      return { header, body: messageCodecs(ApiKey.ApiVersions, 0)!.response.read(r) as ResponseBody<K> };
    }
  } catch (error) {
    throw withContext(error, `${codecs.apiName} v${apiVersion} response`);
  }
}

/** The correlation id every response starts with. */
export function peekCorrelationId(frame: Buffer): number {
  if (frame.length < 4) throw new ProtocolError('bad-header', `response of ${frame.length} bytes has no correlation id`);
  return frame.readInt32BE(0);
}
