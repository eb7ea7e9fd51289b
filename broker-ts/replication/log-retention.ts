// Retention, as Kafka's LogManager schedules it: log.initial.task.delay.ms after start-up and then
// every log.retention.check.interval.ms, each replica (leader or follower) deletes the old segments
// its cleanup.policy, retention.ms and retention.bytes no longer keep, below its high watermark.
// A leader's new log start reaches its followers with their next fetch.
import type { Logger } from '../logging/logger.js';
import type { Partition } from './partition.js';

export interface LogRetentionOptions {
  partitions: () => Iterable<Partition>;
  initialDelayMs: number;
  intervalMs: number;
  logger: Logger;
}

export class LogRetention {
  private timer: NodeJS.Timeout;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: LogRetentionOptions) {
    this.timer = setTimeout(() => this.tick(), options.initialDelayMs);
    this.timer.unref();
  }

  /** One pass over every partition; a failing log is its log dir's to report, the others go on. */
  async checkOnce(): Promise<number> {
    let deleted = 0;
    for (const partition of this.options.partitions()) {
      try {
        const count = await partition.deleteOldSegments();
        if (count > 0) {
          deleted += count;
          this.options.logger.info(
            { topic: partition.topic, partition: partition.index, segments: count, logStartOffset: partition.log.logStartOffset },
            'deleted segments past retention',
          );
        }
      } catch (error) {
        this.options.logger.warn({ err: error, topic: partition.topic, partition: partition.index }, 'retention check failed');
      }
    }
    return deleted;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private tick(): void {
    this.running = this.checkOnce()
      .then(() => undefined)
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        this.timer = setTimeout(() => this.tick(), this.options.intervalMs);
        this.timer.unref();
      });
  }
}
