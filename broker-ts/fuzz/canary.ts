// A kafkajs producer and consumer group that run for the whole fuzz run, as a real application
// next to the abuse: the run fails if a send fails, if the consumer crashes, or if either stops
// making progress between two health checks.
import type { Consumer, Producer } from 'kafkajs';
import { kafkaClient } from '../testing/kafkajs.js';

export interface CanaryProgress {
  sent: number;
  acknowledged: number;
  received: number;
  failures: string[];
}

export class Canary {
  private readonly producer: Producer;
  private readonly consumer: Consumer;
  private timer: NodeJS.Timeout | undefined;
  private next = 0;
  private inFlight = false;
  private readonly receivedIds = new Set<number>();
  readonly progress: CanaryProgress = { sent: 0, acknowledged: 0, received: 0, failures: [] };
  private readonly acknowledgedIds = new Set<number>();

  constructor(
    bootstrap: string,
    private readonly topic: string,
  ) {
    const kafka = kafkaClient(bootstrap, { clientId: 'fuzz-canary', requestTimeout: 10_000 });
    this.producer = kafka.producer({ allowAutoTopicCreation: false });
    this.consumer = kafka.consumer({ groupId: 'fuzz-canary', maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    this.consumer.on(this.consumer.events.CRASH, (event) => this.progress.failures.push(`consumer crashed: ${String(event.payload.error)}`));
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const id = Number(message.value!.toString());
        if (!this.receivedIds.has(id)) {
          this.receivedIds.add(id);
          this.progress.received += 1;
        }
      },
    });
    this.timer = setInterval(() => void this.send(), 50);
  }

  private async send(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    const id = this.next++;
    this.progress.sent += 1;
    try {
      await this.producer.send({ topic: this.topic, acks: -1, messages: [{ value: String(id) }] });
      this.progress.acknowledged += 1;
      this.acknowledgedIds.add(id);
    } catch (error) {
      this.progress.failures.push(`send ${id} failed: ${(error as Error).message}`);
    } finally {
      this.inFlight = false;
    }
  }

  /** Acknowledged messages the consumer has not seen. */
  missing(): number[] {
    return [...this.acknowledgedIds].filter((id) => !this.receivedIds.has(id));
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    while (this.inFlight) await new Promise((r) => setTimeout(r, 10));
    await this.producer.disconnect().catch(() => undefined);
    await this.consumer.disconnect().catch(() => undefined);
  }
}
