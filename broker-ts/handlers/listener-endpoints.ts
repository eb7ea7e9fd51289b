// Broker addresses as a request's listener advertises them: Metadata, DescribeCluster and
// FindCoordinator answer with the address of the listener the request came in on, so a client
// behind a proxy keeps talking through proxies.
import type { BrokerServices } from '../server/broker-services.js';

export interface BrokerAddress {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** Live brokers that have the listener, by id. */
export function brokersOnListener(broker: BrokerServices, listenerName: string): BrokerAddress[] {
  const brokers: BrokerAddress[] = [];
  for (const registration of broker.image.brokers()) {
    if (registration.fenced) continue;
    const endpoint = registration.endpoints.get(listenerName);
    if (endpoint === undefined) continue;
    brokers.push({ nodeId: registration.id, host: endpoint.host, port: endpoint.port, rack: registration.rack });
  }
  return brokers.sort((a, b) => a.nodeId - b.nodeId);
}

export function brokerOnListener(broker: BrokerServices, nodeId: number, listenerName: string): BrokerAddress | undefined {
  return brokersOnListener(broker, listenerName).find((b) => b.nodeId === nodeId);
}

/**
 * KRaft brokers report a random live broker as controller_id (clients send admin requests there
 * and it forwards them); with one node that is this node.
 */
export function controllerIdFor(broker: BrokerServices, listenerName: string): number {
  const brokers = brokersOnListener(broker, listenerName);
  if (brokers.length === 0) return -1;
  return brokers[Math.floor(Math.random() * brokers.length)]!.nodeId;
}
