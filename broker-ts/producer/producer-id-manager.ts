// Producer ids for InitProducerId. The controller reserves them in blocks through the metadata log
// (ProducerIdsRecord), so an id is never handed out twice, even across restarts; a broker gives out
// the ids of its current block one by one, as Kafka's RPCProducerIdManager does.
import { PRODUCER_ID_BLOCK_SIZE } from '../cluster/controller.js';
import type { Controller } from '../cluster/controller.js';

export class ProducerIdManager {
  private next = 0n;
  private end = 0n;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly controller: Controller,
    private readonly brokerEpoch: () => bigint,
  ) {}

  async generateProducerId(): Promise<bigint> {
    while (this.next >= this.end) {
      this.pending ??= this.controller
        .allocateProducerIds(this.brokerEpoch())
        .then((first) => {
          this.next = first;
          this.end = first + BigInt(PRODUCER_ID_BLOCK_SIZE);
        })
        .finally(() => {
          this.pending = undefined;
        });
      await this.pending;
    }
    return this.next++;
  }
}
