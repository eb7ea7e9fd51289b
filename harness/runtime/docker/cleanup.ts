import type Dockerode from 'dockerode';
import { errorMessage } from '../../errors.js';
import { log } from '../../log.js';
import { LABEL, harnessIsGone } from './labels.js';
import { sleep } from '../../wait.js';

export interface Removed {
  containers: number;
  networks: number;
}

function isGoneAlready(err: unknown): boolean {
  const status = (err as { statusCode?: number }).statusCode;
  // 404: already removed; 409: a removal of the same object is in progress elsewhere.
  return status === 404 || (status === 409 && /already in progress/i.test(errorMessage(err)));
}

/**
 * Removes every container (with its anonymous volumes) and then every network carrying the label
 * `key=value`. Paused or running containers are killed first by the forced removal.
 */
export async function removeLabelled(docker: Dockerode, key: string, value: string): Promise<Removed> {
  const filters = { label: [`${key}=${value}`] };
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(
    containers.map(async (c) => {
      try {
        await docker.getContainer(c.Id).remove({ force: true, v: true });
      } catch (err) {
        if (!isGoneAlready(err)) throw err;
      }
    }),
  );
  const networks = await docker.listNetworks({ filters });
  for (const n of networks) {
    // A container removed a moment ago may still be detaching from the network.
    for (let attempt = 0; ; attempt++) {
      try {
        await docker.getNetwork(n.Id).remove();
        break;
      } catch (err) {
        if (isGoneAlready(err)) break;
        if (attempt >= 20) throw err;
        await sleep(250);
      }
    }
  }
  return { containers: containers.length, networks: networks.length };
}

/** Removes everything one harness process (its supervisor's run id) created. */
export function removeRun(docker: Dockerode, runId: string): Promise<Removed> {
  return removeLabelled(docker, LABEL.run, runId);
}

/**
 * Removes the containers and networks of earlier harness processes that died without cleaning
 * up and whose reaper died too (a reboot, a killed process tree). Objects of live harnesses and of
 * other hosts are left alone.
 */
export async function sweepAbandonedDockerRuns(docker: Dockerode): Promise<Removed & { runs: number }> {
  const filters = { label: [LABEL.run] };
  const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })]);
  const abandoned = new Set<string>();
  for (const labels of [...containers.map((c) => c.Labels), ...networks.map((n) => n.Labels)]) {
    const runId = labels?.[LABEL.run];
    if (runId !== undefined && harnessIsGone(labels)) abandoned.add(runId);
  }
  const total = { runs: abandoned.size, containers: 0, networks: 0 };
  for (const runId of abandoned) {
    try {
      const removed = await removeRun(docker, runId);
      total.containers += removed.containers;
      total.networks += removed.networks;
    } catch (err) {
      log.warn({ runId, err: errorMessage(err) }, 'could not remove the containers of an abandoned run');
    }
  }
  return total;
}
