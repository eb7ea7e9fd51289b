// An API as the registry knows it: its key, the schemas of each supported version, and from which
// version on it is flexible. Each API folder exports one of these from its index.ts.
import type { MergeVersions } from '../schema/merge-versions.js';
import type { StructType, Value } from '../schema/types.js';

export interface VersionSchemas {
  readonly request: StructType;
  readonly response: StructType;
}

export type VersionTable = { readonly [version: number]: VersionSchemas };

export interface Api<V extends VersionTable = VersionTable> {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /**
   * Versions from this one on use compact encodings and tagged fields (also versions newer than
   * `maxVersion`, which matters when reading the header of a request we cannot serve). Null when no
   * version is flexible.
   */
  readonly firstFlexibleVersion: number | null;
  readonly versions: V;
}

export function defineApi<V extends VersionTable>(spec: { apiKey: number; name: string; firstFlexibleVersion: number | null; versions: V }): Api<V> {
  const numbers = Object.keys(spec.versions)
    .map(Number)
    .sort((a, b) => a - b);
  const minVersion = numbers[0];
  const maxVersion = numbers[numbers.length - 1];
  if (minVersion === undefined || maxVersion === undefined || maxVersion - minVersion + 1 !== numbers.length) {
    throw new Error(`${spec.name}: versions must be a non-empty contiguous range, got ${numbers.join(',')}`);
  }
  return { ...spec, minVersion, maxVersion };
}

export function isFlexibleVersion(api: Api, version: number): boolean {
  return api.firstFlexibleVersion !== null && version >= api.firstFlexibleVersion;
}

export function supportsVersion(api: Api, version: number): boolean {
  return version >= api.minVersion && version <= api.maxVersion;
}

type RequestSchema<S> = S extends VersionSchemas ? S['request'] : never;
type ResponseSchema<S> = S extends VersionSchemas ? S['response'] : never;
type AnyVersion<A extends Api> = A['versions'][keyof A['versions']];

/** The request body of an API, merged over all its versions. */
export type RequestOf<A extends Api> = MergeVersions<Value<RequestSchema<AnyVersion<A>>>>;
/** The response body of an API, merged over all its versions. */
export type ResponseOf<A extends Api> = MergeVersions<Value<ResponseSchema<AnyVersion<A>>>>;
/** The exact request body of one version. */
export type RequestAt<A extends Api, V extends keyof A['versions']> = Value<RequestSchema<A['versions'][V]>>;
/** The exact response body of one version. */
export type ResponseAt<A extends Api, V extends keyof A['versions']> = Value<ResponseSchema<A['versions'][V]>>;
