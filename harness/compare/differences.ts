// Two observations of one probe, compared field by field: each difference is named by its path
// (an API, a config key, an error) and says what each side answered, so a failure or a canary
// report reads "configs › topic cmp-configs › configs › errors.deadletterqueue.group.enable: only
// Kafka 4.4.0 has it ({value: false, ...})" rather than as a diff of two large objects.
import type { Observation, Tolerance } from './wire-probe.js';

export interface Difference {
  probe: string;
  /** Keys (or list positions) from the observation's root to where the two differ. */
  path: string[];
  /** undefined: that side has nothing at this path. */
  reference: Observation | undefined;
  candidate: Observation | undefined;
  /** Set when the probe accepts this difference between Kafka and broker-ts, with the reason. */
  tolerated?: string;
}

function isRecord(value: Observation | undefined): value is { [key: string]: Observation } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function walk(probe: string, path: string[], reference: Observation | undefined, candidate: Observation | undefined, out: Difference[]): void {
  if (isRecord(reference) && isRecord(candidate)) {
    const keys = [...new Set([...Object.keys(reference), ...Object.keys(candidate)])];
    for (const key of keys) walk(probe, [...path, key], reference[key], candidate[key], out);
    return;
  }
  // Lists of one length are compared item by item; otherwise the list is one difference.
  if (Array.isArray(reference) && Array.isArray(candidate) && reference.length === candidate.length) {
    reference.forEach((item, i) => walk(probe, [...path, `[${i}]`], item, candidate[i], out));
    return;
  }
  if (JSON.stringify(reference) !== JSON.stringify(candidate)) out.push({ probe, path, reference, candidate });
}

/** Every difference between two observations, the tolerated ones marked with their reason. */
export function differencesOf(probe: string, reference: Observation, candidate: Observation, tolerate?: Tolerance): Difference[] {
  const found: Difference[] = [];
  walk(probe, [], reference, candidate, found);
  if (tolerate === undefined) return found;
  return found.map((d) => {
    const reason = tolerate(d.path, d.reference, d.candidate);
    return reason === undefined ? d : { ...d, tolerated: reason };
  });
}

export function show(value: Observation | undefined, max = 200): string {
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One line: where, and what each side (named by its label) answered. */
export function describeDifference(d: Difference, referenceLabel: string, candidateLabel: string): string {
  const where = [d.probe, ...d.path].join(' › ');
  if (d.candidate === undefined) return `${where}: only ${referenceLabel} has it (${show(d.reference)})`;
  if (d.reference === undefined) return `${where}: only ${candidateLabel} has it (${show(d.candidate)})`;
  return `${where}: ${referenceLabel} ${show(d.reference)}, ${candidateLabel} ${show(d.candidate)}`;
}
