import type { Consumer, ConsumerConfig } from 'kafkajs';
import type { ScenarioContext } from './context.js';
import { consumedRecord, watchCrashes, type ConsumedRecord } from './read-topic.js';

/**
 * A kafkajs consumer-group member that records what it was assigned, each time it joined, and
 * every record it consumed.
 */
export class GroupMember {
  /** Partitions of the subscribed topic given at the latest join; undefined before the first. */
  assignment: number[] | undefined;
  joins = 0;
  readonly records: ConsumedRecord[] = [];
  left = false;
  private throwIfCrashed: () => void = () => {};

  private constructor(
    readonly name: string,
    readonly topic: string,
    private readonly consumer: Consumer,
  ) {}

  static async join(
    ctx: ScenarioContext,
    name: string,
    topic: string,
    config: ConsumerConfig,
    options: { fromBeginning?: boolean; autoCommit?: boolean } = {},
  ): Promise<GroupMember> {
    const consumer = await ctx.consumer(config);
    const member = new GroupMember(name, topic, consumer);
    member.throwIfCrashed = watchCrashes(consumer, `group member ${name}`);
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const assigned = (event.payload as { memberAssignment: Record<string, number[]> }).memberAssignment;
      member.assignment = [...(assigned[topic] ?? [])].sort((a, b) => a - b);
      member.joins++;
    });
    await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: options.autoCommit ?? true,
      eachMessage: async ({ partition, message }) => {
        member.records.push(consumedRecord(partition, message));
      },
    });
    return member;
  }

  /** Throws if kafkajs gave up on this consumer (a crash it does not restart from). */
  checkAlive(): void {
    this.throwIfCrashed();
  }

  /** Leaves the group (LeaveGroup) and closes the connections. */
  async leave(): Promise<void> {
    this.left = true;
    await this.consumer.disconnect();
  }

  get kafkajsConsumer(): Consumer {
    return this.consumer;
  }
}
