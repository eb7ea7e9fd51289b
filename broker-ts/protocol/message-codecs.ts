// Compiled codecs per (API key, version), looked up on every request: built on first use, then a
// plain array lookup.
import type { Codec } from './schema/compile.js';
import { compile } from './schema/compile.js';
import { versionEntry } from './registry.js';
import type { RequestHeaderVersion, ResponseHeaderVersion } from './headers.js';
import { requestHeaderVersion, responseHeaderVersion } from './headers.js';

export interface MessageCodecs {
  apiKey: number;
  apiName: string;
  version: number;
  flexible: boolean;
  request: Codec<Record<string, unknown>>;
  response: Codec<Record<string, unknown>>;
  requestHeaderVersion: RequestHeaderVersion;
  responseHeaderVersion: ResponseHeaderVersion;
}

const byKey: (MessageCodecs | null | undefined)[][] = [];

/** Codecs of one API version, or undefined when broker-ts does not implement it. */
export function messageCodecs(apiKey: number, version: number): MessageCodecs | undefined {
  if (!Number.isInteger(apiKey) || apiKey < 0 || !Number.isInteger(version) || version < 0) return undefined;
  const versions = (byKey[apiKey] ??= []);
  let codecs = versions[version];
  if (codecs === undefined) {
    const entry = versionEntry(apiKey, version);
    codecs =
      entry === undefined
        ? null
        : {
            apiKey,
            apiName: entry.api.name,
            version,
            flexible: entry.flexible,
            request: compile(entry.request, entry.flexible) as Codec<Record<string, unknown>>,
            response: compile(entry.response, entry.flexible) as Codec<Record<string, unknown>>,
            requestHeaderVersion: requestHeaderVersion(apiKey, version),
            responseHeaderVersion: responseHeaderVersion(apiKey, version),
          };
    versions[version] = codecs;
  }
  return codecs ?? undefined;
}
