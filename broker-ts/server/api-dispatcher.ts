// Routes decoded requests to their handler by API key, and knows which APIs and versions each
// listener serves: broker listeners the client APIs, controller listeners (for now) only
// ApiVersions. Controller listeners serve as soon as the node has joined the metadata quorum;
// broker listeners wait until the broker is ready (logs loaded, registered and unfenced).
import type { DecodedRequest } from '@kafka-chaos/protocol';
import type { Logger } from '../logging/logger.js';
import type { ApiHandler } from './api-handler.js';
import type { AdvertisedVersion, BrokerServices } from './broker-services.js';
import type { RequestDispatcher } from './connection.js';
import type { RequestContext } from './request-context.js';

export class ApiDispatcher implements RequestDispatcher {
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  private readonly controllerReady: Promise<void>;
  private markControllerReady!: () => void;
  private readonly brokerHandlers: ReadonlyMap<number, ApiHandler>;
  private readonly controllerHandlers: ReadonlyMap<number, ApiHandler>;
  private services: BrokerServices | undefined;

  constructor(
    brokerHandlers: readonly ApiHandler[],
    controllerHandlers: readonly ApiHandler[],
    private readonly controllerListenerNames: readonly string[],
    private readonly logger: Logger,
  ) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    this.controllerReady = new Promise((resolve) => (this.markControllerReady = resolve));
    this.brokerHandlers = new Map(brokerHandlers.map((h) => [h.apiKey, h]));
    this.controllerHandlers = new Map(controllerHandlers.map((h) => [h.apiKey, h]));
  }

  /** Starts serving controller listeners with these services. */
  openControllerListeners(services: BrokerServices): void {
    this.services = services;
    this.markControllerReady();
  }

  /** Starts serving every listener. */
  open(services: BrokerServices): void {
    this.openControllerListeners(services);
    this.markReady();
  }

  readyFor(listenerName: string): Promise<void> {
    return this.controllerListenerNames.includes(listenerName) ? this.controllerReady : this.ready;
  }

  serves(listenerName: string, apiKey: number, apiVersion: number): boolean {
    const handler = this.handlers(listenerName).get(apiKey);
    return handler !== undefined && apiVersion >= handler.minVersion && apiVersion <= handler.maxVersion;
  }

  advertisedVersions(listenerName: string): AdvertisedVersion[] {
    return [...this.handlers(listenerName).values()]
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }

  async dispatch(request: DecodedRequest, context: RequestContext): Promise<unknown> {
    const handler = this.handlers(context.listenerName).get(request.apiKey)!;
    const services = this.services!;
    if (this.logger.isLevelEnabled('trace'))
      this.logger.trace({ apiKey: request.apiKey, version: request.apiVersion, correlationId: request.header.correlationId }, 'request');
    return handler.handle(services, request.body as never, context);
  }

  /**
   * Serves a controller request from this node in process, as if it had come in on the first
   * controller listener (the node's own requests when it is the active controller).
   */
  dispatchLocally(apiKey: number, apiVersion: number, body: unknown): Promise<unknown> {
    const header = { apiKey, apiVersion, correlationId: 0, clientId: 'broker-ts-local' };
    const context = {
      header,
      apiVersion,
      listenerName: this.controllerListenerNames[0]!,
      clientId: 'broker-ts-local',
      clientHost: '/127.0.0.1',
      connectionId: 'local',
    } as RequestContext;
    return this.dispatch({ apiKey, apiVersion, header, body } as never, context);
  }

  private handlers(listenerName: string): ReadonlyMap<number, ApiHandler> {
    return this.controllerListenerNames.includes(listenerName) ? this.controllerHandlers : this.brokerHandlers;
  }
}
