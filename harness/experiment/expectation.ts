import type { AnomalyScope } from '../checker/anomaly-classes.js';
import type { ProcessingResult } from '../checker/processing-checker.js';
import type { QuorumResult } from '../checker/quorum-checker.js';
import type { CheckResult, Counts } from '../checker/queue-checker.js';
import type { TransactionResult } from '../checker/transaction-checker.js';
import type { Timeline } from '../report/timeline.js';
import type { SendWindows, WindowKind, WindowedMeasure } from './send-windows.js';

/** Quantities an expectation can constrain, and what part of an experiment each needs. */
const MEASURE_SCOPES = {
  attempted: 'always',
  acknowledged: 'always',
  failed: 'always',
  indeterminate: 'always',
  lost: 'always',
  recovered: 'always',
  duplicated: 'always',
  unexpected: 'always',
  lostWrites: 'always',
  reordered: 'always',
  inconsistentOffsets: 'always',
  failedButRead: 'always',
  offsetMismatches: 'always',
  phantomAcks: 'always',
  corruptedValues: 'always',
  pollSkips: 'always',
  nonmonotonicPolls: 'always',
  intPollSkips: 'always',
  intNonmonotonicPolls: 'always',
  /** Sends not acknowledged (failed or indeterminate): unavailability seen by the producer. */
  notAcknowledged: 'always',
  /** Sends outstanding at some moment of a fault step's window (only with a window: `inFlight during reset1`). */
  inFlight: 'always',
  /** Longest time without any acknowledgement while sends were offered, ms. */
  longestOutageMs: 'always',
  /** Sends whose outcome was unknown and that are not in the log: gone with a crashed client, or never appended. */
  neverWritten: 'always',
  /** Times a partition's leader moved to another node during the run, as the harness observed. */
  leaderChanges: 'always',
  /** 1 when every node was back and every partition had its full ISR before the drain (a wiped replica rebuilt, say), else 0. */
  clusterRecovered: 'always',
  /** Consumer group: messages processed at least once. */
  processed: 'consumers',
  /** Consumer group: the group's committed offsets, summed over partitions (0 when none). */
  committed: 'consumers',
  /** Consumer group: messages below the committed offset that no member processed. */
  processedLost: 'consumers',
  /** Consumer group: messages processed more than once. */
  processedDuplicates: 'consumers',
  /** Pipeline: records of aborted transactions seen by a read_committed consumer. */
  abortedReads: 'pipeline',
  /** Pipeline: transactions only partly visible. */
  tornTransactions: 'pipeline',
  /** Pipeline: transactions reported committed with no visible output. */
  lostCommittedTransactions: 'pipeline',
  /** Pipeline: input positions with output in more than one committed transaction. */
  outputDuplicates: 'pipeline',
  /** Pipeline: input records committed past with no committed output. */
  missingOutputs: 'pipeline',
  /** Pipeline: transactions that committed. */
  committedTransactions: 'pipeline',
  /** Pipeline: transactions that aborted (on purpose, or fenced). */
  abortedTransactions: 'pipeline',
  /** Pipeline: records of aborted transactions present in the log (read_uncommitted): the aborts were real. */
  abortedRecordsInLog: 'pipeline',
  /** Metadata: topic creations the controller acknowledged (also per fault step window: `topicsCreated during rollback`). */
  topicsCreated: 'metadata',
  /** Metadata: acknowledged topic creations missing from a node's metadata at the end. */
  lostTopics: 'metadata',
  /** Metadata: quorum epochs with two leaders. */
  splitEpochs: 'metadata',
  /** Metadata: distinct quorum epochs seen in the nodes' quorum-state files (elections the run went through, plus one). */
  quorumEpochs: 'metadata',
} as const satisfies Record<string, AnomalyScope>;

export type Measure = keyof typeof MEASURE_SCOPES;
export const MEASURES = Object.keys(MEASURE_SCOPES) as Measure[];

export function measureScope(m: Measure): AnomalyScope {
  return MEASURE_SCOPES[m];
}

export const CONDITION_PATTERN = /^\s*(==|=|!=|>=|<=|>|<)?\s*(\d+)\s*$/;

/**
 * An expectation's key: a measure, optionally one producer's (`lost@acks1`), optionally counted
 * before a named fault step, while it is in force, or after it was healed (`acknowledged during old-leader`).
 */
export interface ExpectKey {
  measure: Measure;
  client?: string;
  window?: { when: WindowKind; step: string };
}

export const EXPECT_KEY_PATTERN = new RegExp(`^(${MEASURES.join('|')})(?:@([a-z0-9][a-z0-9-]*))?(?: (before|during|after) ([A-Za-z0-9_-]+))?$`);

export function parseExpectKey(key: string): ExpectKey | undefined {
  const match = EXPECT_KEY_PATTERN.exec(key);
  if (!match) return undefined;
  return {
    measure: match[1] as Measure,
    ...(match[2] !== undefined ? { client: match[2] } : {}),
    ...(match[3] !== undefined ? { window: { when: match[3] as WindowKind, step: match[4]! } } : {}),
  };
}

/** What expectations are checked against: the checkers' findings and the run's timeline. */
export interface Observed {
  check: CheckResult;
  timeline: Timeline;
  processing?: ProcessingResult;
  transactions?: TransactionResult;
  quorum?: QuorumResult;
  /** Sends counted per fault step window. */
  windows?: SendWindows;
  /** The cluster recovered (every node back, full ISR) before the drain. */
  recovered?: boolean;
  /** Counts of the poll anomaly classes. */
  polls?: { pollSkips: number; nonmonotonicPolls: number; intPollSkips: number; intNonmonotonicPolls: number };
}

function fromCounts(counts: Counts, m: Measure): number | undefined {
  if (m === 'notAcknowledged') return counts.failed + counts.indeterminate;
  if (m === 'neverWritten') return counts.indeterminate - counts.recovered;
  return m in counts ? counts[m as keyof Counts] : undefined;
}

/** The value of one measure; undefined when the run has nothing to count it from. */
export function measure(observed: Observed, key: ExpectKey): number | undefined {
  const { check: result, timeline, processing, transactions, quorum, windows, polls, recovered } = observed;
  const m = key.measure;
  if (key.window) return windows?.count(key.window.step, key.window.when, m as WindowedMeasure, key.client);
  if (key.client !== undefined) {
    const counts = result.byClient[key.client];
    return counts ? fromCounts(counts, m) : 0;
  }
  switch (m) {
    case 'longestOutageMs':
      return timeline.longestOutageMs;
    case 'leaderChanges':
      return leaderChanges(timeline);
    case 'clusterRecovered':
      return recovered === undefined ? undefined : recovered ? 1 : 0;
    case 'processed':
    case 'processedLost':
    case 'processedDuplicates':
      return processing?.[m];
    case 'committed':
      return processing ? Object.values(processing.committed).reduce((sum, o) => sum + Math.max(0, o), 0) : undefined;
    case 'abortedReads':
    case 'tornTransactions':
    case 'lostCommittedTransactions':
    case 'outputDuplicates':
    case 'missingOutputs':
    case 'abortedRecordsInLog':
      return transactions?.[m];
    case 'committedTransactions':
      return transactions?.transactions.committed;
    case 'abortedTransactions':
      return transactions?.transactions.aborted;
    case 'topicsCreated':
      return quorum?.topicsCreated;
    case 'lostTopics':
      return quorum?.lostTopics.length;
    case 'splitEpochs':
      return quorum?.splitEpochs.length;
    case 'quorumEpochs':
      return quorum?.epochsSeen;
    case 'lostWrites':
      return result.anomalies.lostWrites;
    case 'reordered':
    case 'inconsistentOffsets':
    case 'failedButRead':
    case 'offsetMismatches':
    case 'phantomAcks':
    case 'corruptedValues':
      return result.anomalyTotals[m];
    case 'pollSkips':
    case 'nonmonotonicPolls':
    case 'intPollSkips':
    case 'intNonmonotonicPolls':
      return polls?.[m];
    default:
      return fromCounts(result.counts, m);
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

/** Whether a condition lets a count be above zero (">0", ">=1", "<=5"): for an anomaly, that needs a reason in `allow`. */
export function permitsNonZero(condition: string): boolean {
  const match = CONDITION_PATTERN.exec(condition);
  if (!match) return false;
  const value = Number(match[2]);
  return holds(condition, 1) || holds(condition, value + 1);
}

export interface ExpectationOutcome {
  /** As written: a measure, measure@producer, or with a window. */
  measure: string;
  condition: string;
  /** null when the run has nothing to count it from (it then does not hold). */
  actual: number | null;
  held: boolean;
}

export function evaluate(expect: Record<string, string>, observed: Observed): ExpectationOutcome[] {
  return Object.entries(expect).map(([key, condition]) => {
    const parsed = parseExpectKey(key);
    const actual = parsed ? measure(observed, parsed) : undefined;
    return { measure: key, condition, actual: actual ?? null, held: actual !== undefined && holds(condition, actual) };
  });
}

/**
 * Moves of a partition's leadership from one node to another. A partition without a leader for a
 * while, led again by the same node, has not changed leader.
 */
export function leaderChanges(timeline: Timeline): number {
  const last = new Map<number, number>();
  let changes = 0;
  for (const l of timeline.leaders) {
    if (l.leader < 0) continue;
    const previous = last.get(l.partition);
    if (previous !== undefined && previous !== l.leader) changes++;
    last.set(l.partition, l.leader);
  }
  return changes;
}
