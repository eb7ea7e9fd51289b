import { GenericContainer } from 'testcontainers';
import type { RunNetwork } from './network.js';

/**
 * A testcontainers container attached only to the run's network, at a fixed address, with a
 * minimal init as PID 1: signals reach the server the way they reach a process (a program that
 * is PID 1 ignores SIGTERM unless it handles it), and a `docker kill` takes everything in it.
 */
export class FixedAddressContainer extends GenericContainer {
  constructor(image: string, network: RunNetwork, address: string) {
    super(image);
    this.withNetworkMode(network.name);
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [network.name]: { IPAMConfig: { IPv4Address: address } } } };
    this.hostConfig.Init = true;
  }
}
