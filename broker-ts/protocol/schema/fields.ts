// Editing field lists while keeping wire order, so a version can be written as "the previous
// version plus these changes". Appending needs no helper (`{ ...previous, added }`), and replacing
// a field's type in place is a plain spread too (`{ ...previous, partitions: array(newPartition) }`
// keeps the position of `partitions`).
import type { Fields } from './types.js';

type Simplify<T> = { [K in keyof T]: T[K] } & {};

function rebuild(fields: Fields, at: string, edit: (name: string) => Fields | undefined): Fields {
  if (!(at in fields)) throw new Error(`no field named ${at}`);
  const result: Record<string, Fields[string]> = {};
  for (const [name, field] of Object.entries(fields)) {
    const replacement = edit(name);
    if (replacement === undefined) result[name] = field;
    else Object.assign(result, replacement);
  }
  return result;
}

/** `fields` with `added` placed right after the field named `after`. */
export function insertAfter<F extends Fields, A extends Fields>(fields: F, after: keyof F & string, added: A): Simplify<F & A> {
  return rebuild(fields, after, (name) => (name === after ? { [name]: fields[name]!, ...added } : undefined)) as F & A;
}

/** `fields` with `added` placed right before the field named `before`. */
export function insertBefore<F extends Fields, A extends Fields>(fields: F, before: keyof F & string, added: A): Simplify<F & A> {
  return rebuild(fields, before, (name) => (name === before ? { ...added, [name]: fields[name]! } : undefined)) as F & A;
}

/** `fields` with the field named `replaced` swapped, at the same position, for `replacement`. */
export function replaceField<F extends Fields, K extends keyof F & string, R extends Fields>(fields: F, replaced: K, replacement: R): Simplify<Omit<F, K> & R> {
  return rebuild(fields, replaced, (name) => (name === replaced ? replacement : undefined)) as Omit<F, K> & R;
}

/** `fields` without the named ones. */
export function withoutFields<F extends Fields, K extends keyof F & string>(fields: F, ...removed: K[]): Simplify<Omit<F, K>> {
  const result: Record<string, Fields[string]> = {};
  for (const [name, field] of Object.entries(fields)) {
    if (!(removed as string[]).includes(name)) result[name] = field;
  }
  return result as Omit<F, K>;
}
