import { GenericContainer } from 'testcontainers';
import type { RunNetwork } from './network.js';

/**
 * A testcontainers container as the docker runtime starts them: with a minimal init as PID 1, so
 * signals reach the server the way they reach a process (a program that is PID 1 ignores SIGTERM
 * unless it handles it) and a `docker kill` takes everything in it.
 */
export class RuntimeContainer extends GenericContainer {
  constructor(image: string) {
    super(image);
    this.hostConfig.Init = true;
  }

  /** Attached only to the run's network, at a fixed address. */
  atAddress(network: RunNetwork, address: string): this {
    this.withNetworkMode(network.name);
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [network.name]: { IPAMConfig: { IPv4Address: address } } } };
    return this;
  }

  /** In another container's network namespace: its interfaces, address and hostname. */
  inNetworkOf(containerId: string): this {
    return this.withNetworkMode(`container:${containerId}`);
  }
}
