// The parts of a run's result that workloads fill in after the drain (their checkers' verdicts and
// the offsets their groups committed); RunResult has them, and a workload sees only these.
import type { ProcessingResult } from '../checker/processing-checker.js';
import type { QuorumResult } from '../checker/quorum-checker.js';
import type { TransactionResult } from '../checker/transaction-checker.js';

export interface WorkloadResults {
  /** What the experiment's consumer group processed, if it has one. */
  processing: ProcessingResult | undefined;
  /** How the experiment's exactly-once pipeline kept its promises, if it has one. */
  transactions: TransactionResult | undefined;
  /** How the metadata quorum kept its promises, if the experiment watches it (`metadata:`). */
  quorum?: QuorumResult | undefined;
  /** Committed offsets read once the consumer group or the pipeline finished, per partition. */
  committedOffsets: { group?: Record<number, number>; pipeline?: Record<number, number> };
}
