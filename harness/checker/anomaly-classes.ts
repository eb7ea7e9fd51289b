// Every kind of anomaly the checkers can find in a history, with Jepsen's name for it where Jepsen
// has one. A run's verdict counts every class: each one observed fails the run unless the experiment
// allows it by name, with the reason (`allow:`), as Jepsen's checker is invalid on any error class
// a test has not declared expected.
import type { PollResult } from './poll-checker.js';
import type { ProcessingResult } from './processing-checker.js';
import type { QuorumResult } from './quorum-checker.js';
import type { CheckResult } from './queue-checker.js';
import type { TransactionResult } from './transaction-checker.js';

/** What the checkers found in one run. */
export interface CheckedHistory {
  queue: CheckResult;
  polls: PollResult;
  /** Present when the experiment has a consumer group. */
  processing?: ProcessingResult;
  /** Present when the experiment has a pipeline. */
  transactions?: TransactionResult;
  /** Present when the experiment watches the metadata quorum. */
  quorum?: QuorumResult;
}

/**
 * The workload a class needs (by its name, as in workload-kinds.ts): it is only counted (and may
 * only be named) when the experiment has that workload.
 */
export type AnomalyScope = 'always' | 'consumers' | 'pipeline' | 'metadata';

export interface AnomalyClass {
  /** The name in result.json, in `expect` and in `allow`. */
  name: string;
  /** Jepsen's name for the same anomaly (jepsen.tests.kafka, or its total-queue checker), or what comes closest. */
  jepsen: string;
  summary: string;
  scope: AnomalyScope;
  count(history: CheckedHistory): number;
}

const queue = (name: string, jepsen: string, summary: string, count: (q: CheckResult) => number): AnomalyClass => ({
  name,
  jepsen,
  summary,
  scope: 'always',
  count: (h) => count(h.queue),
});
const poll = (name: string, jepsen: string, summary: string, count: (p: PollResult) => number): AnomalyClass => ({
  name,
  jepsen,
  summary,
  scope: 'always',
  count: (h) => count(h.polls),
});
const processing = (name: string, summary: string, count: (p: ProcessingResult) => number): AnomalyClass => ({
  name,
  jepsen: '(none: Jepsen does not model processing)',
  summary,
  scope: 'consumers',
  count: (h) => (h.processing ? count(h.processing) : 0),
});
const pipeline = (name: string, jepsen: string, summary: string, count: (t: TransactionResult) => number): AnomalyClass => ({
  name,
  jepsen,
  summary,
  scope: 'pipeline',
  count: (h) => (h.transactions ? count(h.transactions) : 0),
});

const quorum = (name: string, jepsen: string, summary: string, count: (q: QuorumResult) => number): AnomalyClass => ({
  name,
  jepsen,
  summary,
  scope: 'metadata',
  count: (h) => (h.quorum ? count(h.quorum) : 0),
});

export const ANOMALY_CLASSES: readonly AnomalyClass[] = [
  queue('lost', 'unseen (lost once the final reads are done)', 'acknowledged, and never read by the drain', (q) => q.counts.lost),
  queue(
    'lostWrites',
    'lost-write',
    'lost although a later offset of its partition was read: the write was truncated, not just unseen',
    (q) => q.anomalies.lostWrites,
  ),
  queue('duplicated', 'duplicate', 'one message read at more than one offset', (q) => q.counts.duplicated),
  queue(
    'offsetMismatches',
    "duplicate (the send's offset is one of the two)",
    'acknowledged at one offset, read only at others',
    (q) => q.anomalyTotals.offsetMismatches,
  ),
  queue(
    'inconsistentOffsets',
    'inconsistent-offsets',
    'two different messages at one offset, by any acknowledgements or reads, in any order',
    (q) => q.anomalyTotals.inconsistentOffsets,
  ),
  queue('unexpected', 'unexpected (total-queue)', 'read, but never sent by this run', (q) => q.counts.unexpected),
  {
    name: 'lostReads',
    jepsen: '(none: inconsistent-offsets where the offset was written again; a committed read undone)',
    summary: 'read by a consumer during the run, and nowhere in the log the drain read at the end: what was visible below the high watermark was lost',
    scope: 'consumers',
    count: (h) => h.queue.anomalyTotals.lostReads,
  },
  queue(
    'corruptedValues',
    "(none: Jepsen's values are the ids themselves; a checksum failure)",
    "a record read with bytes the producer did not write: a value other than its id, '|' and padding, or a batch that fails its CRC",
    (q) => q.anomalyTotals.corruptedValues,
  ),
  queue('failedButRead', '(total-queue: a :fail that was read)', 'a send the broker certainly refused, read anyway', (q) => q.anomalyTotals.failedButRead),
  queue(
    'phantomAcks',
    '(none: a client fault; from the application, a lost write)',
    'the client reported a send done although no broker answered for its partition, and the message is nowhere',
    (q) => q.anomalyTotals.phantomAcks,
  ),
  queue(
    'reordered',
    'nonmonotonic-send',
    "one producer process's messages in the log in another order than it had them acknowledged",
    (q) => q.anomalyTotals.reordered,
  ),
  poll('pollSkips', 'poll-skip', "a consumer's next read in one assignment skips offsets known to hold messages", (p) => p.pollSkips.length),
  poll(
    'nonmonotonicPolls',
    'nonmonotonic-poll',
    "a consumer's next read in one assignment goes back to or before an offset it already read",
    (p) => p.nonmonotonicPolls.length,
  ),
  poll('intPollSkips', 'int-poll-skip', 'within one fetched batch, offsets known to hold messages are skipped', (p) => p.intPollSkips.length),
  poll(
    'intNonmonotonicPolls',
    'int-nonmonotonic-poll',
    'within one fetched batch, an offset at or before the previous one',
    (p) => p.intNonmonotonicPolls.length,
  ),
  processing('processedLost', "below the group's committed offset and processed by no member", (p) => p.processedLost),
  processing('processedDuplicates', 'processed more than once (at-least-once delivery allows it)', (p) => p.processedDuplicates),
  processing(
    'splitOwnership',
    'two members read one partition in overlapping assignments: a partition handed over before its owner gave it up',
    (p) => p.splitOwnership,
  ),
  pipeline('abortedReads', 'G1a (aborted read)', 'records of aborted transactions seen by a read_committed consumer', (t) => t.abortedReads),
  pipeline(
    'tornTransactions',
    '(none: atomicity; Elle would report it as G1 variants)',
    'committed transactions only partly visible',
    (t) => t.tornTransactions,
  ),
  pipeline(
    'lostCommittedTransactions',
    'lost-write (of a transaction)',
    'transactions reported committed whose output is nowhere',
    (t) => t.lostCommittedTransactions,
  ),
  pipeline(
    'outputDuplicates',
    'duplicate (exactly-once broken)',
    'one input position with output in more than one committed transaction',
    (t) => t.outputDuplicates,
  ),
  quorum(
    'lostTopics',
    'lost-write (of a committed metadata record)',
    "topic creations the controller acknowledged that a node's metadata does not list at the end",
    (q) => q.lostTopics.length,
  ),
  quorum(
    'splitEpochs',
    '(Raft election safety: two leaders in one term)',
    "metadata quorum epochs with two leaders: two nodes' quorum-state named different ones, or two nodes' metadata logs hold different batches of the epoch at one offset",
    (q) => q.splitEpochs.length,
  ),
  pipeline('missingOutputs', 'lost-write (exactly-once broken)', 'input the pipeline committed past with no committed output', (t) => t.missingOutputs),
];

export const ANOMALY_NAMES: readonly string[] = ANOMALY_CLASSES.map((c) => c.name);

export function anomalyClass(name: string): AnomalyClass | undefined {
  return ANOMALY_CLASSES.find((c) => c.name === name);
}

/** One class as a run saw it. */
export interface AnomalyOutcome {
  name: string;
  jepsen: string;
  count: number;
  /** The experiment's reason for allowing it, when it does. */
  allowedBecause?: string;
}

/** The names of the workloads an experiment has. */
export type ExperimentParts = ReadonlySet<string>;

export function appliesTo(c: AnomalyClass, parts: ExperimentParts): boolean {
  return c.scope === 'always' || parts.has(c.scope);
}

/** Every class the experiment has the parts for, counted; `allow` marks the allowed ones. */
export function anomalyOutcomes(history: CheckedHistory, parts: ExperimentParts, allow: Readonly<Record<string, string>>): AnomalyOutcome[] {
  return ANOMALY_CLASSES.filter((c) => appliesTo(c, parts)).map((c) => ({
    name: c.name,
    jepsen: c.jepsen,
    count: c.count(history),
    ...(allow[c.name] !== undefined ? { allowedBecause: allow[c.name] } : {}),
  }));
}

/** Observed and not allowed. */
export function violations(outcomes: readonly AnomalyOutcome[]): AnomalyOutcome[] {
  return outcomes.filter((o) => o.count > 0 && o.allowedBecause === undefined);
}
