// This node as a broker of the cluster (KRaft's BrokerLifecycleManager): it registers with the
// active controller (a new broker epoch per start), then heartbeats every
// broker.heartbeat.interval.ms, reporting how far it has applied the metadata log; the controller
// unfences it once it has caught up, and fences it when the heartbeats stop. A graceful stop asks
// for a controlled shutdown first, so that leadership moves off this broker before it goes. A broker
// that cannot reach the controller keeps serving what it last knew, as a KRaft broker does.
import { randomKafkaUuid } from './kafka-uuid.js';
import type { Logger } from '../logging/logger.js';
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import type { ControllerChannel } from './controller-channel.js';
import type { MetadataImage } from './metadata-image.js';

export interface AdvertisedEndpoint {
  name: string;
  host: string;
  port: number;
  /** SecurityProtocol id of the listener (PLAINTEXT 0, SSL 1, SASL_PLAINTEXT 2, SASL_SSL 3). */
  securityProtocol: number;
}

export interface BrokerLifecycleOptions {
  nodeId: number;
  clusterId: string;
  rack: string | null;
  heartbeatIntervalMs: number;
  /** The epoch of the last clean shutdown, -1 after a crash (KIP-966). */
  previousBrokerEpoch: bigint;
}

/** While fenced and catching up, heartbeats go out this often so that unfencing is quick. */
const CATCH_UP_HEARTBEAT_MS = 25;

export class BrokerLifecycle {
  brokerEpoch = -1n;
  fenced = true;
  private readonly incarnationId = randomKafkaUuid();
  private wantShutDown = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;
  private readonly unfencedWaiters: (() => void)[] = [];
  private shutdownGranted: (() => void) | undefined;
  /** The listeners it registers, known once they are bound. */
  private endpoints: readonly AdvertisedEndpoint[] = [];

  constructor(
    private readonly options: BrokerLifecycleOptions,
    private readonly channel: ControllerChannel,
    private readonly image: MetadataImage,
    private readonly logger: Logger,
  ) {}

  /** Registers with these advertised listeners, then heartbeats. */
  start(endpoints: readonly AdvertisedEndpoint[]): void {
    this.endpoints = endpoints;
    this.schedule(0);
  }

  /** Resolves the first time the controller unfences this broker. */
  whenUnfenced(): Promise<void> {
    if (!this.fenced) return Promise.resolve();
    return new Promise((resolve) => this.unfencedWaiters.push(resolve));
  }

  /** The image moved: a fenced broker reports it at once. */
  onMetadataApplied(): void {
    if (this.fenced && this.brokerEpoch >= 0n && this.image.offset >= 0n) this.schedule(0);
  }

  /** Asks the controller to move leadership off this broker; resolves when it agrees or after `timeoutMs`. */
  controlledShutdown(timeoutMs: number): Promise<void> {
    if (this.brokerEpoch < 0n || this.stopped) return Promise.resolve();
    this.wantShutDown = true;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.shutdownGranted = () => {
        clearTimeout(timer);
        resolve();
      };
      this.schedule(0);
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.beat();
    }, delayMs);
  }

  private async beat(): Promise<void> {
    if (this.inFlight || this.stopped) return;
    this.inFlight = true;
    let next = this.options.heartbeatIntervalMs;
    try {
      if (this.brokerEpoch < 0n) {
        await this.register();
        // Registered and fenced: the first heartbeat goes out at once, to be unfenced as soon as caught up.
        next = 0;
      } else {
        next = await this.heartbeat();
      }
    } catch (error) {
      this.logger.debug({ err: error }, 'broker heartbeat failed');
      next = Math.min(this.options.heartbeatIntervalMs, 100);
    } finally {
      this.inFlight = false;
    }
    this.schedule(next);
  }

  private async register(): Promise<void> {
    const response = await this.channel.send(
      ApiKey.BrokerRegistration,
      4,
      {
        brokerId: this.options.nodeId,
        clusterId: this.options.clusterId,
        incarnationId: this.incarnationId,
        listeners: this.endpoints.map((e) => ({ name: e.name, host: e.host, port: e.port, securityProtocol: e.securityProtocol })),
        features: [],
        rack: this.options.rack,
        isMigratingZkBroker: false,
        logDirs: [],
        previousBrokerEpoch: this.options.previousBrokerEpoch,
      },
      this.options.heartbeatIntervalMs * 4,
    );
    if (response.errorCode !== ErrorCode.NONE) throw new Error(`broker registration failed with error ${response.errorCode}`);
    this.brokerEpoch = response.brokerEpoch;
    this.fenced = true;
    this.logger.info({ brokerEpoch: this.brokerEpoch }, 'registered with the controller');
  }

  /** Sends one heartbeat; returns when the next is due. */
  private async heartbeat(): Promise<number> {
    const response = await this.channel.send(
      ApiKey.BrokerHeartbeat,
      0,
      {
        brokerId: this.options.nodeId,
        brokerEpoch: this.brokerEpoch,
        currentMetadataOffset: this.image.offset,
        wantFence: false,
        wantShutDown: this.wantShutDown,
      },
      this.options.heartbeatIntervalMs * 2,
    );
    if (response.errorCode === ErrorCode.STALE_BROKER_EPOCH || response.errorCode === ErrorCode.BROKER_ID_NOT_REGISTERED) {
      this.logger.info({ errorCode: response.errorCode }, 'the controller does not know this broker epoch: registering again');
      this.brokerEpoch = -1n;
      return 0;
    }
    if (response.errorCode !== ErrorCode.NONE) throw new Error(`heartbeat failed with error ${response.errorCode}`);
    if (this.fenced !== response.isFenced)
      this.logger.info({ fenced: response.isFenced }, response.isFenced ? 'fenced by the controller' : 'unfenced by the controller');
    this.fenced = response.isFenced;
    if (!this.fenced) for (const resolve of this.unfencedWaiters.splice(0)) resolve();
    if (response.shouldShutDown) this.shutdownGranted?.();
    if (this.wantShutDown) return CATCH_UP_HEARTBEAT_MS * 2;
    return this.fenced ? CATCH_UP_HEARTBEAT_MS : this.options.heartbeatIntervalMs;
  }
}
