// Names of the files in a partition directory. Segment files are named by their base offset padded
// to 20 digits, as Kafka does, so a directory listing sorts in offset order.

export const LOG_FILE_SUFFIX = '.log';
export const OFFSET_INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const PRODUCER_SNAPSHOT_SUFFIX = '.snapshot';
export const TEMP_FILE_SUFFIX = '.tmp';

export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint';
export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint';
/** The aborted transactions as a clean close left them, so the next open need not read the whole log for them. */
export const ABORTED_TXNS_CHECKPOINT = 'aborted-transactions-checkpoint';
/** Written last by a clean close; its presence lets the next open skip recovery. */
export const CLEAN_SHUTDOWN_MARKER = '.clean-shutdown';

export function offsetFileName(offset: bigint, suffix: string): string {
  return offset.toString().padStart(20, '0') + suffix;
}

export function parseOffsetFileName(name: string, suffix: string): bigint | undefined {
  if (!name.endsWith(suffix)) return undefined;
  const digits = name.slice(0, name.length - suffix.length);
  return /^\d{20}$/.test(digits) ? BigInt(digits) : undefined;
}
