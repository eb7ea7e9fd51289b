import type { ClusterSecurity } from '../../security/cluster-security.js';
import type { ListenerKind } from '../cluster.js';

/** Where one node of a process cluster lives: its ports, proxies, data and logs. */
export interface NodeLayout {
  id: number;
  /** Real listener ports of the node process. */
  ports: Record<ListenerKind | 'harness', number>;
  /** Ports of the toxiproxy proxies in front of the client, replication and controller listeners. */
  proxyPorts: Record<ListenerKind, number>;
  /** Per other node: the port of the proxy its controller traffic to this node crosses. */
  controllerPeerPorts: Record<number, number>;
  dataDir: string;
  /** Config files and broker logs, kept with the run's results. */
  logDir: string;
}

export interface ClusterLayout {
  clusterId: string;
  nodes: NodeLayout[];
  /** Broker configuration given by the experiment (Kafka's property names). */
  brokerConfig: Record<string, string>;
  /** TLS and SASL of every listener (--security); absent: PLAINTEXT. */
  security?: ClusterSecurity;
  /** Where a node finds the security files (a container mounts them elsewhere); as on the host by default. */
  securityPathInNode?: (file: string) => string;
}

/** Listener names as they appear in server.properties, for Kafka and broker-ts alike. */
export const LISTENER_NAMES: Record<ListenerKind | 'harness', string> = {
  client: 'CLIENT',
  replication: 'REPL',
  controller: 'CONTROLLER',
  harness: 'HARNESS',
};

/**
 * The properties both brokers understand (Kafka's names): listeners behind proxies, a static
 * quorum of every node, and settings that make a test cluster quick to start and to fail over.
 */
export function commonNodeProperties(node: NodeLayout, cluster: ClusterLayout): Record<string, string> {
  const n = cluster.nodes.length;
  const listeners = (Object.keys(LISTENER_NAMES) as (ListenerKind | 'harness')[]).map((k) => `${LISTENER_NAMES[k]}://127.0.0.1:${node.ports[k]}`).join(',');
  const advertised = (Object.keys(LISTENER_NAMES) as (ListenerKind | 'harness')[])
    .map((k) => `${LISTENER_NAMES[k]}://127.0.0.1:${k === 'harness' ? node.ports.harness : node.proxyPorts[k]}`)
    .join(',');
  // Each node reaches every other controller through a proxy of that pair, so the controller
  // traffic of one node can be cut in both directions; its own controller it reaches directly.
  const voters = cluster.nodes.map((v) => `${v.id}@127.0.0.1:${v.id === node.id ? v.ports.controller : v.controllerPeerPorts[node.id]}`).join(',');
  return {
    'node.id': String(node.id),
    'process.roles': 'broker,controller',
    listeners,
    'advertised.listeners': advertised,
    'listener.security.protocol.map': Object.values(LISTENER_NAMES)
      .map((l) => `${l}:PLAINTEXT`)
      .join(','),
    'inter.broker.listener.name': LISTENER_NAMES.replication,
    'controller.listener.names': LISTENER_NAMES.controller,
    'controller.quorum.voters': voters,
    'log.dirs': node.dataDir,
    'default.replication.factor': String(Math.min(3, n)),
    'offsets.topic.replication.factor': String(Math.min(3, n)),
    'offsets.topic.num.partitions': '3',
    'transaction.state.log.replication.factor': String(Math.min(3, n)),
    'transaction.state.log.min.isr': String(Math.min(2, n)),
    'transaction.state.log.num.partitions': '3',
    'group.initial.rebalance.delay.ms': '0',
    // Lets the chaos consumers use short session timeouts, so a killed member is noticed quickly.
    'group.min.session.timeout.ms': '1000',
    'auto.leader.rebalance.enable': 'false',
    'broker.heartbeat.interval.ms': '500',
    'broker.session.timeout.ms': '3000',
    ...cluster.security?.nodeProperties(node.id, cluster.securityPathInNode),
    ...cluster.brokerConfig,
  };
}

export function toProperties(props: Record<string, string>): string {
  return `${Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}
