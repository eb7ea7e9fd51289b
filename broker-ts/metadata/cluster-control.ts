// Cluster control (KRaft's ClusterControlManager and its heartbeat manager): broker registrations,
// heartbeats and liveness. Leases live in memory, rebuilt by each newly active controller as in
// KRaft; a broker whose lease runs out is fenced, one that has caught up with the metadata log is
// unfenced, one that asks for a controlled shutdown is marked so. It plans records and says which
// broker leaves or joins; the controller adds the partition changes that follow and commits.
import { ErrorCode } from '@kafka-chaos/protocol';
import type { Logger } from '../logging/logger.js';
import type { MetadataImage } from './metadata-image.js';
import type { MetadataRecord } from './metadata-records.js';

export interface BrokerRegistrationRequest {
  brokerId: number;
  incarnationId: string;
  listeners: readonly { name: string; host: string; port: number; securityProtocol: number }[];
  rack: string | null;
  /** The broker epoch the broker had when it last shut down cleanly; -1 after a crash (KIP-966). */
  previousBrokerEpoch: bigint;
}

export interface HeartbeatRequest {
  brokerId: number;
  brokerEpoch: bigint;
  currentMetadataOffset: bigint;
  wantFence: boolean;
  wantShutDown: boolean;
}

export interface HeartbeatResult {
  errorCode: number;
  isCaughtUp: boolean;
  isFenced: boolean;
  shouldShutDown: boolean;
}

/** What a heartbeat changes: records, and the broker that stops or starts being eligible. */
export interface HeartbeatPlan {
  /** Set when the heartbeat is refused (unknown broker, stale epoch). */
  refused?: HeartbeatResult;
  caughtUp: boolean;
  records: MetadataRecord[];
  departing?: number;
  joining?: number;
}

export class ClusterControl {
  private readonly leases = new Map<number, number>();

  constructor(
    private readonly image: MetadataImage,
    private readonly brokerSessionTimeoutMs: number,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** A newly active controller gives every registered broker a fresh lease. */
  renewAllLeases(): number[] {
    const now = this.now();
    this.leases.clear();
    for (const broker of this.image.brokers()) this.leases.set(broker.id, now);
    return [...this.leases.keys()];
  }

  /** Brokers whose lease has run out: the controller fences them. */
  expiredBrokers(): { id: number; epoch: bigint }[] {
    const now = this.now();
    const expired: { id: number; epoch: bigint }[] = [];
    for (const broker of this.image.brokers()) {
      if (broker.fenced) continue;
      const last = this.leases.get(broker.id) ?? now;
      if (now - last > this.brokerSessionTimeoutMs) {
        this.logger.info({ brokerId: broker.id, silentMs: now - last }, 'fencing a broker whose session expired');
        expired.push({ id: broker.id, epoch: broker.epoch });
      }
    }
    return expired;
  }

  /** The record that fences a broker (its session expired, or its shutdown was granted). */
  fenceRecord(broker: { id: number; epoch: bigint }): MetadataRecord {
    return { type: 'BrokerRegistrationChange', data: { brokerId: broker.id, brokerEpoch: broker.epoch, fenced: 1, inControlledShutdown: 0 } };
  }

  /**
   * A broker registers (a new epoch per start), fenced until it catches up; `replaces` says an
   * earlier incarnation is registered, whose partitions it leaves until then, and `uncleanShutdown`
   * that this incarnation did not end with a clean shutdown (its epoch is not the one named).
   */
  register(request: BrokerRegistrationRequest, brokerEpoch: bigint): { records: MetadataRecord[]; replaces: boolean; uncleanShutdown: boolean } {
    this.leases.set(request.brokerId, this.now());
    const records: MetadataRecord[] = [
      {
        type: 'RegisterBroker',
        data: {
          brokerId: request.brokerId,
          incarnationId: request.incarnationId,
          brokerEpoch,
          endPoints: request.listeners.map((l) => ({ name: l.name, host: l.host, port: l.port, securityProtocol: l.securityProtocol })),
          rack: request.rack,
          fenced: true,
        },
      },
    ];
    const previous = this.image.broker(request.brokerId);
    return { records, replaces: previous !== undefined, uncleanShutdown: previous !== undefined && previous.epoch !== request.previousBrokerEpoch };
  }

  heartbeat(request: HeartbeatRequest): HeartbeatPlan {
    const broker = this.image.broker(request.brokerId);
    const refuse = (errorCode: number): HeartbeatPlan => ({
      refused: { errorCode, isCaughtUp: false, isFenced: true, shouldShutDown: false },
      caughtUp: false,
      records: [],
    });
    if (broker === undefined) return refuse(ErrorCode.BROKER_ID_NOT_REGISTERED);
    if (broker.epoch !== request.brokerEpoch) return refuse(ErrorCode.STALE_BROKER_EPOCH);
    this.leases.set(request.brokerId, this.now());
    const caughtUp = request.currentMetadataOffset >= broker.registeredAt;
    if (request.wantShutDown) {
      if (broker.inControlledShutdown) return { caughtUp, records: [] };
      this.logger.info({ brokerId: broker.id }, 'controlled shutdown: moving leadership off the broker');
      return {
        caughtUp,
        records: [{ type: 'BrokerRegistrationChange', data: { brokerId: broker.id, brokerEpoch: broker.epoch, fenced: 0, inControlledShutdown: 1 } }],
        departing: broker.id,
      };
    }
    if (broker.fenced && caughtUp && !request.wantFence) {
      return {
        caughtUp,
        records: [{ type: 'BrokerRegistrationChange', data: { brokerId: broker.id, brokerEpoch: broker.epoch, fenced: -1, inControlledShutdown: 0 } }],
        joining: broker.id,
      };
    }
    return { caughtUp, records: [] };
  }

  /** Whether `brokerEpoch` is the broker's current registration (-1 accepted where `anyEpoch`). */
  isCurrent(brokerId: number, brokerEpoch: bigint, anyEpoch = false): boolean {
    const broker = this.image.broker(brokerId);
    return broker !== undefined && ((anyEpoch && brokerEpoch === -1n) || broker.epoch === brokerEpoch);
  }
}
