import Dockerode from 'dockerode';
import { getContainerRuntimeClient, type ContainerRuntimeClient } from 'testcontainers';
import { HarnessError, errorMessage } from '../../errors.js';

// testcontainers' own reaper (Ryuk) is an image that cannot be pulled on every machine; the harness
// removes what it starts itself (NodeCluster.close, the supervisor's reaper, the sweep).
process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

export interface DockerEngine {
  client: ContainerRuntimeClient;
  docker: Dockerode;
}

const PING_TIMEOUT_MS = 5000;

const HOW_TO_GET_ONE =
  '--runtime docker needs a running Docker engine: start one (Debian: apt-get install docker.io, then dockerd), ' +
  'point DOCKER_HOST at one, or use the default --runtime process';

async function ping(docker: Dockerode): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function connect(): Promise<DockerEngine> {
  const explicit = process.env.DOCKER_HOST;
  if (explicit) {
    // testcontainers would quietly fall back to the default socket; an engine that was asked for
    // by name and does not answer is an error, not a reason to use another one.
    try {
      await ping(new Dockerode());
    } catch (err) {
      throw new HarnessError(`no Docker engine answers at DOCKER_HOST=${explicit} (${errorMessage(err)}). ${HOW_TO_GET_ONE}.`);
    }
  }
  let client: ContainerRuntimeClient;
  try {
    client = await getContainerRuntimeClient();
  } catch (err) {
    throw new HarnessError(
      `no Docker engine answers (looked at DOCKER_HOST, ~/.testcontainers.properties and the default sockets such as /var/run/docker.sock: ${errorMessage(err)}). ${HOW_TO_GET_ONE}.`,
    );
  }
  return { client, docker: client.container.dockerode };
}

let connecting: Promise<DockerEngine> | undefined;

/** The Docker engine this harness process uses, found once; a clear HarnessError when none answers. */
export function dockerEngine(): Promise<DockerEngine> {
  if (!connecting) {
    connecting = connect();
    connecting.catch(() => (connecting = undefined));
  }
  return connecting;
}

/** For tests and optional features: undefined when an engine answers, otherwise why not. */
export async function dockerUnavailableReason(): Promise<string | undefined> {
  try {
    await dockerEngine();
    return undefined;
  } catch (err) {
    return errorMessage(err);
  }
}
