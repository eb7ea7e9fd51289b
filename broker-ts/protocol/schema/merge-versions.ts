// One TypeScript type for a message across all its versions: fields present in every version are
// required, the others optional, recursively through structs and arrays. A broker handler serving
// Fetch v4..v16 works against this type and checks the version where the shape differs.

type Opaque = string | number | bigint | boolean | Buffer;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type ElementOf<U> = U extends readonly (infer E)[] ? E : never;
type AllKeys<U> = U extends unknown ? keyof U : never;
type ValueAt<U, K extends PropertyKey> = U extends unknown ? (K extends keyof U ? U[K] : never) : never;

type MergeObjects<U> = Simplify<
  { [K in Extract<keyof U, string>]: MergeVersions<ValueAt<U, K>> } & {
    [K in Exclude<Extract<AllKeys<U>, string>, keyof U>]?: MergeVersions<ValueAt<U, K>>;
  }
>;

type MergeNonNull<U> = [U] extends [never]
  ? never
  : [U] extends [Opaque]
    ? U
    : [U] extends [readonly unknown[]]
      ? MergeVersions<ElementOf<U>>[]
      : MergeObjects<U>;

/** Merges the value types of several versions of a message into one. */
export type MergeVersions<U> = MergeNonNull<Exclude<U, null>> | Extract<U, null>;
