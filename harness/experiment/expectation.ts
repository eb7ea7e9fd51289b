import type { CheckResult, Counts } from '../checker/queue-checker.js';

/** Quantities an expectation can constrain: the checker's counts and a few anomaly totals. */
export const MEASURES = [
  'attempted', 'acknowledged', 'failed', 'indeterminate', 'lost', 'recovered', 'duplicated', 'unexpected',
  'lostWrites', 'reordered', 'inconsistentOffsets', 'failedButRead',
] as const;
export type Measure = (typeof MEASURES)[number];

export const CONDITION_PATTERN = /^\s*(==|=|!=|>=|<=|>|<)?\s*(\d+)\s*$/;

export function measure(result: CheckResult, m: Measure): number {
  switch (m) {
    case 'lostWrites':
      return result.anomalies.lostWrites;
    case 'reordered':
      return result.anomalies.reordered.length;
    case 'inconsistentOffsets':
      return result.anomalies.inconsistentOffsets.length;
    case 'failedButRead':
      return result.anomalies.failedButRead.length;
    default:
      return result.counts[m as keyof Counts];
  }
}

export function holds(condition: string, actual: number): boolean {
  const match = CONDITION_PATTERN.exec(condition);
  if (!match) return false;
  const value = Number(match[2]);
  switch (match[1] ?? '==') {
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '!=':
      return actual !== value;
    default:
      return actual === value;
  }
}

export interface ExpectationOutcome {
  measure: Measure;
  condition: string;
  actual: number;
  held: boolean;
}

export function evaluate(expect: Partial<Record<Measure, string>>, result: CheckResult): ExpectationOutcome[] {
  return (Object.entries(expect) as [Measure, string][]).map(([m, condition]) => {
    const actual = measure(result, m);
    return { measure: m, condition, actual, held: holds(condition, actual) };
  });
}
