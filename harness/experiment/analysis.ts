// Judges a run from what it left on disk: the histories (the harness's, each client process's,
// each consumer member's), the members' journals, the fault records, the drain's outcome and the
// committed offsets. The run itself and `kafka-chaos check` both end here, so a stored run judged
// again reaches the verdict the run did (unless the checker or the experiment changed).
import { anomalyOutcomes, violations } from '../checker/anomaly-classes.js';
import { PollChecker } from '../checker/poll-checker.js';
import { QueueChecker } from '../checker/queue-checker.js';
import { readHistory } from '../history/reader.js';
import { explainLosses } from '../report/explain.js';
import type { RunResult, Verdict } from '../report/result.js';
import { TimelineBuilder } from '../report/timeline.js';
import { workloadsOf } from '../workload/workload-kinds.js';
import { evaluate } from './expectation.js';
import { reviewLeaderLoss } from './fault-review.js';
import type { Experiment } from './schema.js';
import { SendWindows } from './send-windows.js';

export interface RunFiles {
  /** Every history file of the run (absolute paths). */
  histories: string[];
  /** Every consumer member's journal (absolute paths). */
  journals: string[];
}

/** Runs every checker over the run's files and fills `result` in place, verdict included. */
export async function judgeRun(exp: Experiment, result: RunResult, files: RunFiles): Promise<void> {
  const queue = new QueueChecker({ maxListed: 1000 });
  const polls = new PollChecker();
  const timeline = new TimelineBuilder();
  const windows = new SendWindows(
    result.faults.filter((f) => f.name !== undefined && !f.nested).map((f) => ({ name: f.name!, injectedAt: f.injectedAt, healedAt: f.healedAt })),
    result.workload ?? { startMs: 0, endMs: Number.POSITIVE_INFINITY },
  );
  // Each workload (a consumer group, a pipeline) judges its own part of the history.
  const present = workloadsOf(exp);
  const workloadCheckers = present.flatMap((k) => k.checker?.(exp) ?? []);
  for await (const op of readHistory(...files.histories)) {
    queue.add(op);
    polls.add(op);
    timeline.add(op);
    windows.add(op);
    for (const c of workloadCheckers) c.add(op);
  }
  windows.finish();
  for (const file of files.journals) for (const c of workloadCheckers) c.addJournal?.(file);
  const check = queue.result();
  result.counts = check.counts;
  result.byClient = check.byClient;
  result.anomalies = check.anomalies;
  result.historyProblems = check.historyProblems;
  result.partitions = check.partitions;
  result.polls = polls.result();
  result.timeline = timeline.result();
  for (const c of workloadCheckers) c.judge(result);
  result.lost = explainLosses(check.lost, result.timeline.leaders, result.faults);
  result.faultProblems = reviewLeaderLoss(result.faults, result.timeline.leaders);
  result.anomalyClasses = anomalyOutcomes(
    {
      queue: check,
      polls: result.polls,
      ...(result.processing ? { processing: result.processing } : {}),
      ...(result.transactions ? { transactions: result.transactions } : {}),
      ...(result.quorum ? { quorum: result.quorum } : {}),
    },
    new Set(present.map((k) => k.name)),
    exp.allow,
  );
  result.expectationResults = evaluate(exp.expect, {
    check,
    timeline: result.timeline,
    windows,
    recovered: result.recovered,
    polls: {
      pollSkips: result.polls.pollSkips.length,
      nonmonotonicPolls: result.polls.nonmonotonicPolls.length,
      intPollSkips: result.polls.intPollSkips.length,
      intNonmonotonicPolls: result.polls.intNonmonotonicPolls.length,
    },
    ...(result.processing ? { processing: result.processing } : {}),
    ...(result.transactions ? { transactions: result.transactions } : {}),
    ...(result.quorum ? { quorum: result.quorum } : {}),
  });
  Object.assign(result, decideVerdict(result));
}

function listed(items: readonly string[], max = 3): string {
  return items.length <= max ? items.join('; ') : `${items.slice(0, max).join('; ')}; and ${items.length - max} more`;
}

/**
 * error: the harness could not complete the run, the history is unsound, or a fault did not
 * strike (or never ran): nothing can be concluded. fail: the drain could not read every partition,
 * an expectation did not hold, or an anomaly the experiment does not allow was observed. pass:
 * none of these.
 */
export function decideVerdict(result: RunResult): { verdict: Verdict; reason: string } {
  if (result.errors.length > 0) return { verdict: 'error', reason: listed(result.errors) };
  if (result.historyProblems.length > 0) return { verdict: 'error', reason: `the history is unsound: ${listed(result.historyProblems)}` };
  const faultErrors = result.faults
    .filter((f) => f.error !== undefined)
    .map((f) => `step ${f.step} (${f.fault}${f.nodes.length ? ` of node ${f.nodes.join(', ')}` : ''}): ${f.error}`);
  if (faultErrors.length > 0) return { verdict: 'error', reason: `a fault did not strike: ${listed(faultErrors)}` };
  if (result.faultProblems.length > 0) return { verdict: 'error', reason: `a fault did not have its effect: ${listed(result.faultProblems)}` };
  const drain = result.drain;
  if (drain === undefined) return { verdict: 'error', reason: 'the drain did not run' };
  if (!drain.complete) {
    return {
      verdict: 'fail',
      reason: `the drain could not read every partition to its end (${JSON.stringify(drain.readUpTo)} of ${JSON.stringify(drain.endOffsets)}${drain.problem ? `; ${drain.problem}` : ''})`,
    };
  }
  const failed = result.expectationResults
    .filter((e) => !e.held)
    .map((e) => `expected ${e.measure} ${e.condition.trim()}, got ${e.actual ?? 'nothing to count'}`);
  const unallowed = violations(result.anomalyClasses).map((a) => `${a.name} ${a.count}, which the experiment does not allow`);
  if (failed.length + unallowed.length > 0) return { verdict: 'fail', reason: listed([...failed, ...unallowed], 6) };
  const allowed = result.anomalyClasses.filter((a) => a.count > 0).map((a) => `${a.name} ${a.count}`);
  return { verdict: 'pass', reason: `every expectation held, no anomaly outside allow${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}` };
}
