import type { Runtime } from '../runtime.js';

/**
 * Containers on a network of the run's own. Loaded on demand: runs on the process runtime need
 * neither testcontainers nor an engine.
 */
export const dockerRuntime: Runtime = {
  kind: 'docker',
  // Each node has a network interface of its own to take away; the unsynced filesystem runs on the
  // host, over the data dirs the containers bind-mount.
  capabilities: ['network-partitions', 'unsynced-disks'],
  preflight: async () => {
    const { dockerEngine } = await import('./engine.js');
    await dockerEngine();
  },
  start: async (request) => {
    const { startDockerCluster } = await import('./start-docker-cluster.js');
    return startDockerCluster(request);
  },
};
