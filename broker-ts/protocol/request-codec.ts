// Requests on the wire. The broker decodes them (decodeRequest) and clients encode them
// (encodeRequest); both work on frames as FrameDecoder yields them, without the size prefix, and
// encoders return whole frames, size prefix included.
import { Reader } from './codec/reader.js';
import { Writer } from './codec/writer.js';
import { withContext } from './codec/protocol-error.js';
import { apiKeyName } from './api-keys.js';
import type { RequestHeader } from './headers.js';
import { readRequestHeader, requestHeaderVersion, writeRequestHeader } from './headers.js';
import { messageCodecs } from './message-codecs.js';
import type { RequestBody, SupportedApiKey } from './registry.js';
import { isSupportedApiKey } from './registry.js';
import { FRAME_SIZE_BYTES } from './frame.js';

/** A decoded request, discriminated by API key so that `body` is typed after a check of `apiKey`. */
export type DecodedRequest = {
  [K in SupportedApiKey]: {
    apiKey: K;
    apiVersion: number;
    header: RequestHeader;
    /** Whether this version uses compact encodings and tagged fields. */
    flexible: boolean;
    body: RequestBody<K>;
  };
}[SupportedApiKey];

/**
 * A well-formed header naming an API key or version broker-ts does not implement. Kafka closes the
 * connection in this case, except for ApiVersions, which it answers in the v0 layout with
 * UNSUPPORTED_VERSION and its own version range (see encodeUnsupportedApiVersionsResponse).
 */
export class UnsupportedRequestError extends Error {
  override readonly name = 'UnsupportedRequestError';

  constructor(
    readonly header: RequestHeader,
    readonly reason: 'unknown-api-key' | 'unsupported-version',
  ) {
    super(`${apiKeyName(header.apiKey)} v${header.apiVersion} is not supported (${reason})`);
  }
}

/**
 * Decodes one request frame (without its size prefix).
 * @throws ProtocolError when the bytes are malformed: close the connection.
 * @throws UnsupportedRequestError when the API key or version is not implemented.
 */
export function decodeRequest(frame: Buffer): DecodedRequest {
  const r = new Reader(frame);
  const { header } = readRequestHeader(r);
  const codecs = messageCodecs(header.apiKey, header.apiVersion);
  if (codecs === undefined) {
    const reason = isSupportedApiKey(header.apiKey) ? 'unsupported-version' : 'unknown-api-key';
    throw new UnsupportedRequestError(header, reason);
  }
  let body: Record<string, unknown>;
  try {
    body = codecs.request.read(r);
  } catch (error) {
    throw withContext(error, `${codecs.apiName} v${codecs.version} request`);
  }
  return {
    apiKey: header.apiKey,
    apiVersion: header.apiVersion,
    header,
    flexible: codecs.flexible,
    body,
  } as DecodedRequest;
}

export interface OutgoingRequestHeader<K extends SupportedApiKey> {
  apiKey: K;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Encodes a request as a whole frame, size prefix included. */
export function encodeRequest<K extends SupportedApiKey>(header: OutgoingRequestHeader<K>, body: RequestBody<K>): Buffer {
  const codecs = messageCodecs(header.apiKey, header.apiVersion);
  if (codecs === undefined) throw new RangeError(`${apiKeyName(header.apiKey)} v${header.apiVersion} is not implemented`);
  const w = new Writer();
  const sizePrefix = w.reserve(FRAME_SIZE_BYTES);
  writeRequestHeader(w, header, codecs.requestHeaderVersion);
  codecs.request.write(w, body as Record<string, unknown>);
  sizePrefix.writeInt32BE(w.length - FRAME_SIZE_BYTES, 0);
  return w.toBuffer();
}

/**
 * Encodes a request whose body is given as raw bytes, for any API key and version (also ones
 * broker-ts does not implement): for fuzzing and for probing how a broker reacts to odd input.
 */
export function encodeRawRequest(header: RequestHeader, body: Uint8Array): Buffer {
  const w = new Writer();
  const sizePrefix = w.reserve(FRAME_SIZE_BYTES);
  writeRequestHeader(w, header, requestHeaderVersion(header.apiKey, header.apiVersion));
  w.raw(body);
  sizePrefix.writeInt32BE(w.length - FRAME_SIZE_BYTES, 0);
  return w.toBuffer();
}
