/** Order statistics over a sample (sorted copy; the input is left alone). */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export function median(values: readonly number[]): number | null {
  return quantile(values, 0.5);
}

/** Median and the spread (min..max) of repeated measurements. */
export interface Summary {
  median: number | null;
  min: number | null;
  max: number | null;
  runs: number;
}

export function summarize(values: readonly (number | null)[]): Summary {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  return {
    median: median(v),
    min: v.length ? Math.min(...v) : null,
    max: v.length ? Math.max(...v) : null,
    runs: v.length,
  };
}

export function round(x: number | null, digits = 1): number | null {
  if (x === null) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
