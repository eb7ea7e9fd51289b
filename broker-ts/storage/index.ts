// What the broker uses from the storage layer.
export { PartitionLog, ListOffsetsTimestamp } from './partition-log.js';
export type {
  AppendAsLeaderOptions,
  AppendResult,
  FollowerAppendResult,
  OffsetForTimestampOptions,
  PartitionLogOptions,
  ReadOptions,
  TimestampAndOffset,
} from './partition-log.js';
export { LogManager, parsePartitionDirName, partitionDirName } from './log-manager.js';
export type { LogManagerOptions, TopicPartitionLog } from './log-manager.js';
export { DEFAULT_LOG_CONFIG, LOG_CONFIG_PROPERTIES, logConfigFromProperties, resolveLogConfig } from './log-config.js';
export type { LogConfig, TimestampType } from './log-config.js';
export * from './errors.js';
export { createDirectoryDurablySync, fsyncDirectorySync, writeFileDurably, writeFileDurablySync } from './durable-fs.js';
export { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from './leader-epoch-cache.js';
export type { EpochEndOffset, EpochEntry } from './leader-epoch-cache.js';
export type { AppendOrigin, BatchMetadata, ProducerStateEntry } from './producer-state.js';
export { gzipDecompressor } from './record-timestamps.js';
export type { RecordsDecompressor } from './record-timestamps.js';
