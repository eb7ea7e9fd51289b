// Request and response headers. Which header version a message uses follows from whether its API
// version is flexible, with two exceptions kept for compatibility: ApiVersions responses always use
// header v0 (a client that does not yet know the broker's versions must be able to read them), and
// ControlledShutdown v0 uses request header v0 (it predates client ids).
import type { Reader } from './codec/reader.js';
import type { Writer } from './codec/writer.js';
import type { TaggedField } from './codec/tagged-field.js';
import { ProtocolError } from './codec/protocol-error.js';
import { ApiKey } from './api-keys.js';
import { apiByKey } from './registry.js';
import { isFlexibleVersion } from './apis/api.js';

export type RequestHeaderVersion = 0 | 1 | 2;
export type ResponseHeaderVersion = 0 | 1;

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** Absent (null) only in header v0, or when a client sends a null client id. */
  clientId: string | null;
  /** Tagged fields of a v2 header; Kafka defines none, so these are passed through untouched. */
  taggedFields?: TaggedField[];
}

export interface ResponseHeader {
  correlationId: number;
  taggedFields?: TaggedField[];
}

/**
 * The request header version for an API version. Versions newer than broker-ts implements count as
 * flexible when the API's flexible range is open-ended, as in Kafka, so their headers still parse.
 */
export function requestHeaderVersion(apiKey: number, apiVersion: number): RequestHeaderVersion {
  if (apiKey === ApiKey.ControlledShutdown && apiVersion === 0) return 0;
  const api = apiByKey(apiKey);
  return api !== undefined && isFlexibleVersion(api, apiVersion) ? 2 : 1;
}

export function responseHeaderVersion(apiKey: number, apiVersion: number): ResponseHeaderVersion {
  if (apiKey === ApiKey.ApiVersions) return 0;
  const api = apiByKey(apiKey);
  return api !== undefined && isFlexibleVersion(api, apiVersion) ? 1 : 0;
}

export function writeRequestHeader(w: Writer, header: RequestHeader, version: RequestHeaderVersion): void {
  w.int16(header.apiKey).int16(header.apiVersion).int32(header.correlationId);
  if (version === 0) return;
  // Even in the flexible header the client id keeps its int16 length, so that any broker can read
  // the header of an ApiVersions request of a version it does not know.
  w.nullableString(header.clientId);
  if (version === 2) w.taggedFields(header.taggedFields ?? []);
}

/**
 * Reads a request header; its version follows from the API key and version it starts with. An
 * unknown API key is read as header v1 (the most a broker can assume).
 */
export function readRequestHeader(r: Reader): { header: RequestHeader; headerVersion: RequestHeaderVersion } {
  if (r.remaining < 8) {
    throw new ProtocolError('bad-header', `request of ${r.remaining} bytes is too short for a header`);
  }
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const headerVersion = requestHeaderVersion(apiKey, apiVersion);
  const header: RequestHeader = { apiKey, apiVersion, correlationId, clientId: null };
  if (headerVersion >= 1) header.clientId = r.nullableString();
  if (headerVersion === 2) {
    const tagged = r.taggedFields();
    if (tagged.length > 0) header.taggedFields = tagged;
  }
  return { header, headerVersion };
}

export function writeResponseHeader(w: Writer, header: ResponseHeader, version: ResponseHeaderVersion): void {
  w.int32(header.correlationId);
  if (version === 1) w.taggedFields(header.taggedFields ?? []);
}

export function readResponseHeader(r: Reader, version: ResponseHeaderVersion): ResponseHeader {
  const header: ResponseHeader = { correlationId: r.int32() };
  if (version === 1) {
    const tagged = r.taggedFields();
    if (tagged.length > 0) header.taggedFields = tagged;
  }
  return header;
}
