import type { ListenerKind } from '../cluster.js';
import { listenerProxyName, pairProxyName } from '../proxy-names.js';
import type { RunNetwork } from './network.js';

/** Ports every node listens on inside its own container (each container has its own address). */
export const NODE_PORTS: Record<ListenerKind | 'harness', number> = {
  client: 9092,
  replication: 9093,
  controller: 9094,
  harness: 9095,
};

export const TOXIPROXY_API_PORT = 8474;

const LISTENER_PROXY_BASE: Record<ListenerKind, number> = { client: 9100, replication: 9200, controller: 9300 };

export interface ProxyPlan {
  name: string;
  /** host:port inside the toxiproxy container, on the run's network. */
  listen: string;
  upstream: string;
}

/**
 * Who is where on a cluster's network: toxiproxy at .2, node N at .(10+N). Every proxy listens
 * on toxiproxy's address, and nodes advertise those proxy addresses, so the harness on the host
 * and the nodes in their containers reach each other through the same addresses. The proxies are
 * those of every runtime (proxy-names.ts).
 */
export class AddressPlan {
  constructor(
    private readonly network: RunNetwork,
    readonly nodeIds: number[],
  ) {}

  get toxiproxyAddress(): string {
    return this.network.address(2);
  }

  get toxiproxyUrl(): string {
    return `http://${this.toxiproxyAddress}:${TOXIPROXY_API_PORT}`;
  }

  nodeAddress(node: number): string {
    return this.network.address(10 + node);
  }

  listenerAddress(node: number, listener: ListenerKind | 'harness'): string {
    return `${this.nodeAddress(node)}:${NODE_PORTS[listener]}`;
  }

  /** Where clients (client), followers (replication) and the quorum (controller) are told to connect. */
  proxyAddress(node: number, listener: ListenerKind): string {
    return `${this.toxiproxyAddress}:${LISTENER_PROXY_BASE[listener] + node}`;
  }

  /** The proxy node `from` crosses to reach the controller of node `to`. */
  pairProxyAddress(from: number, to: number): string {
    return `${this.toxiproxyAddress}:${10_000 + from * 100 + to}`;
  }

  proxies(): ProxyPlan[] {
    const plans: ProxyPlan[] = [];
    for (const node of this.nodeIds) {
      for (const kind of ['client', 'replication', 'controller'] as const) {
        plans.push({ name: listenerProxyName(node, kind), listen: this.proxyAddress(node, kind), upstream: this.listenerAddress(node, kind) });
      }
      for (const from of this.nodeIds) {
        if (from === node) continue;
        plans.push({
          name: pairProxyName(from, node),
          listen: this.pairProxyAddress(from, node),
          upstream: this.listenerAddress(node, 'controller'),
        });
      }
    }
    return plans;
  }
}
