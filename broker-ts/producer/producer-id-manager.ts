// Producer ids for InitProducerId. The controller reserves them in blocks through the metadata log
// (ProducerIdsRecord), so an id is never handed out twice in the cluster, even across restarts and
// controller changes; a broker asks the active controller for a block (AllocateProducerIds) and
// gives out its ids one by one, as Kafka's RPCProducerIdManager does.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { ApiError } from '../errors/api-error.js';
import type { ControllerClient } from '../metadata/controller-client.js';

const ALLOCATION_TIMEOUT_MS = 10_000;

export class ProducerIdManager {
  private next = 0n;
  private end = 0n;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly nodeId: number,
    private readonly controller: ControllerClient,
  ) {}

  async generateProducerId(): Promise<bigint> {
    while (this.next >= this.end) {
      this.pending ??= this.allocate().finally(() => {
        this.pending = undefined;
      });
      await this.pending;
    }
    return this.next++;
  }

  private async allocate(): Promise<void> {
    const response = await this.controller.send(
      ApiKey.AllocateProducerIds,
      0,
      { brokerId: this.nodeId, brokerEpoch: this.controller.brokerEpoch },
      ALLOCATION_TIMEOUT_MS,
    );
    if (response.errorCode !== ErrorCode.NONE) throw new ApiError(response.errorCode, 'producer id block allocation failed');
    this.next = response.producerIdStart;
    this.end = response.producerIdStart + BigInt(response.producerIdLen);
  }
}
