import { dockerEngine, dockerUnavailableReason } from './engine.js';
import { imageSourceFromEnv, type ImageSource } from './images.js';

/**
 * Container tests run wherever a Docker engine answers and are skipped, saying why, where none
 * does (CI's .ci/run makes sure one does).
 */
export const noDockerReason = await dockerUnavailableReason();

export function dockerSuiteName(name: string): string {
  return noDockerReason ? `${name} (skipped: ${noDockerReason})` : name;
}

/** Tests use the local images unless KAFKA_CHAOS_IMAGES says otherwise: they work without a registry. */
export function testImageSource(): ImageSource {
  return process.env.KAFKA_CHAOS_IMAGES ? imageSourceFromEnv() : 'local';
}

/** Names of the containers and networks carrying a label, as the engine lists them now. */
export async function labelled(key: string, value?: string): Promise<{ containers: string[]; networks: string[] }> {
  const { docker } = await dockerEngine();
  const filters = { label: [value === undefined ? key : `${key}=${value}`] };
  const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })]);
  return { containers: containers.map((c) => c.Names[0]!.replace(/^\//, '')), networks: networks.map((n) => n.Name) };
}
