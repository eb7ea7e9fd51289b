import type { CheckResult, Counts } from '../checker/queue-checker.js';
import type { ProcessingResult } from '../checker/processing-checker.js';
import type { TransactionResult } from '../checker/transaction-checker.js';
import type { Timeline } from '../report/timeline.js';

/** Quantities an expectation can constrain: the checker's counts and a few anomaly totals. */
export const MEASURES = [
  'attempted', 'acknowledged', 'failed', 'indeterminate', 'lost', 'recovered', 'duplicated', 'unexpected',
  'lostWrites', 'reordered', 'inconsistentOffsets', 'failedButRead',
  /** Sends not acknowledged (failed or indeterminate): unavailability seen by the producer. */
  'notAcknowledged',
  /** Longest time without any acknowledgement while sends were offered, ms. */
  'longestOutageMs',
  /** Sends whose outcome was unknown and that are not in the log: gone with a crashed client, or never appended. */
  'neverWritten',
  /** Times a partition's leader changed during the run, as the harness observed. */
  'leaderChanges',
  /** Consumer group: messages below the committed offset that no member processed. */
  'processedLost',
  /** Consumer group: messages processed more than once. */
  'processedDuplicates',
  /** Pipeline: records of aborted transactions seen by a read_committed consumer. */
  'abortedReads',
  /** Pipeline: transactions only partly visible. */
  'tornTransactions',
  /** Pipeline: transactions reported committed with no visible output. */
  'lostCommittedTransactions',
  /** Pipeline: input records visible more than once in the committed output. */
  'outputDuplicates',
  /** Pipeline: input records committed past with no committed output. */
  'missingOutputs',
  /** Pipeline: transactions that committed. */
  'committedTransactions',
  /** Pipeline: records of aborted transactions present in the log (read_uncommitted). */
  'abortedRecordsInLog',
] as const;
export type Measure = (typeof MEASURES)[number];

export const CONDITION_PATTERN = /^\s*(==|=|!=|>=|<=|>|<)?\s*(\d+)\s*$/;

/** What expectations are checked against: the checker's verdict and the run's timeline. */
export interface Observed {
  check: CheckResult;
  timeline: Timeline;
  processing?: ProcessingResult;
  transactions?: TransactionResult;
}

export function measure({ check: result, timeline, processing, transactions }: Observed, m: Measure, client?: string): number {
  if (client !== undefined) {
    const counts = result.byClient[client];
    if (!counts) return 0;
    if (m === 'notAcknowledged') return counts.failed + counts.indeterminate;
    if (m === 'neverWritten') return counts.indeterminate - counts.recovered;
    if (m in counts) return counts[m as keyof Counts];
    throw new Error(`${m} is not counted per producer`);
  }
  switch (m) {
    case 'notAcknowledged':
      return result.counts.failed + result.counts.indeterminate;
    case 'longestOutageMs':
      return timeline.longestOutageMs;
    case 'neverWritten':
      return result.counts.indeterminate - result.counts.recovered;
    case 'leaderChanges':
      return leaderChanges(timeline);
    case 'processedLost':
      return processing?.processedLost ?? 0;
    case 'processedDuplicates':
      return processing?.processedDuplicates ?? 0;
    case 'abortedReads':
    case 'tornTransactions':
    case 'lostCommittedTransactions':
    case 'outputDuplicates':
    case 'missingOutputs':
    case 'abortedRecordsInLog':
      return transactions?.[m] ?? 0;
    case 'committedTransactions':
      return transactions?.transactions.committed ?? 0;
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
  /** A measure, or measure@producer. */
  measure: string;
  condition: string;
  actual: number;
  held: boolean;
}

export function evaluate(expect: Record<string, string>, result: Observed): ExpectationOutcome[] {
  return Object.entries(expect).map(([key, condition]) => {
    const [m, client] = key.split('@') as [Measure, string | undefined];
    const actual = measure(result, m, client);
    return { measure: key, condition, actual, held: holds(condition, actual) };
  });
}

function leaderChanges(timeline: Timeline): number {
  const last = new Map<number, number>();
  let changes = 0;
  for (const l of timeline.leaders) {
    const previous = last.get(l.partition);
    if (previous !== undefined && previous !== l.leader) changes++;
    last.set(l.partition, l.leader);
  }
  return changes;
}
