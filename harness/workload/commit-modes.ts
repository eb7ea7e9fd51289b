/**
 * When a member commits the offset of a message relative to processing it:
 *   before-processing  commit, then process (a crash in between loses the message's processing)
 *   after-processing   process, then commit (a crash in between processes it twice)
 *   auto-awaited       kafkajs auto-commit, the handler awaits the processing
 *   auto-unawaited     kafkajs auto-commit, the handler returns before the processing is done
 */
export type CommitMode = 'before-processing' | 'after-processing' | 'auto-awaited' | 'auto-unawaited';
export const COMMIT_MODES: readonly CommitMode[] = ['before-processing', 'after-processing', 'auto-awaited', 'auto-unawaited'];
