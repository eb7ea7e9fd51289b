import { relative } from 'node:path';
import type { ClusterSecurity } from '../../security/cluster-security.js';
import type { ListenerKind } from '../cluster.js';
import { LISTENER_NAMES, commonNodeProperties, type ClusterLayout, type NodeLayout } from '../process/layout.js';
import { NODE_PORTS, type AddressPlan } from './address-plan.js';

/** Inside every node container: its config and logs (kept with the results) and its data. */
export const CONTAINER_NODE_DIR = '/kafka-chaos/node';
export const CONTAINER_DATA_DIR = '/kafka-chaos/data';
/** The cluster's certificates and keys (--security), mounted read-only into every node. */
export const CONTAINER_SECURITY_DIR = '/kafka-chaos/security';

const KINDS = Object.keys(LISTENER_NAMES) as (ListenerKind | 'harness')[];

/**
 * A node's server.properties: the process runtime's settings (the same tuning, so experiments
 * behave alike), with the addresses of the run's network. Listeners bind every interface of the
 * container; clients, followers and the other controllers are told the proxy addresses on
 * toxiproxy; the harness listener is advertised at the node's own address, unproxied.
 */
export function containerNodeProperties(
  node: number,
  plan: AddressPlan,
  clusterId: string,
  brokerConfig: Record<string, string>,
  security?: ClusterSecurity,
): Record<string, string> {
  const layouts: NodeLayout[] = plan.nodeIds.map((id) => ({
    id,
    ports: { ...NODE_PORTS },
    proxyPorts: { client: 0, replication: 0, controller: 0 },
    controllerPeerPorts: {},
    dataDir: CONTAINER_DATA_DIR,
    logDir: CONTAINER_NODE_DIR,
  }));
  const cluster: ClusterLayout = {
    clusterId,
    nodes: layouts,
    brokerConfig,
    ...(security !== undefined ? { security, securityPathInNode: (file: string) => `${CONTAINER_SECURITY_DIR}/${relative(security.dir, file)}` } : {}),
  };
  const advertised = (kind: ListenerKind | 'harness') => (kind === 'harness' ? plan.listenerAddress(node, 'harness') : plan.proxyAddress(node, kind));
  // Its own controller a node reaches on loopback, which no network fault touches; the others
  // through the proxy of each pair, as in the process runtime.
  const voters = plan.nodeIds.map((v) => `${v}@${v === node ? `127.0.0.1:${NODE_PORTS.controller}` : plan.pairProxyAddress(node, v)}`).join(',');
  return {
    ...commonNodeProperties(
      layouts.find((l) => l.id === node)!,
      cluster,
    ),
    listeners: KINDS.map((k) => `${LISTENER_NAMES[k]}://0.0.0.0:${NODE_PORTS[k]}`).join(','),
    'advertised.listeners': KINDS.map((k) => `${LISTENER_NAMES[k]}://${advertised(k)}`).join(','),
    'controller.quorum.voters': voters,
    'log.dirs': CONTAINER_DATA_DIR,
  };
}
