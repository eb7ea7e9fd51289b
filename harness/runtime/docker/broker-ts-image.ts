import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../../errors.js';
import { REPO_ROOT } from '../supervisor.js';
import type { DockerEngine } from './engine.js';
import { imageNames, pullIfMissing, type ImageSource } from './images.js';
import { dockerBuild, ensureLocalImages, type BuildOutcome } from './local-images/build.js';

export const BROKER_TS_DOCKERFILE = join(REPO_ROOT, 'broker-ts', 'Dockerfile');
const BROKER_TS_ENTRY = join(REPO_ROOT, 'broker-ts', 'main.ts');

export function brokerTsBuildable(): string | undefined {
  if (!existsSync(BROKER_TS_ENTRY)) return 'broker-ts/main.ts does not exist yet, so there is no broker-ts to put in an image';
  return undefined;
}

/**
 * broker-ts's image, from broker-ts/Dockerfile and this working tree, on the Node.js base of the
 * image source. Built before every docker cluster of broker-ts: the source changes all the time,
 * and Docker's layer cache makes an unchanged tree cost only the context upload.
 */
export async function buildBrokerTsImage(engine: DockerEngine, source: ImageSource): Promise<{ image: string; outcome: BuildOutcome }> {
  const why = brokerTsBuildable();
  if (why) throw new HarnessError(`cannot build the broker-ts image: ${why}`);
  const names = imageNames(source);
  if (source === 'local') await ensureLocalImages(engine, { node: true });
  else await pullIfMissing(engine, names.nodeBase);
  const outcome = await dockerBuild(engine, names.brokerTs, BROKER_TS_DOCKERFILE, REPO_ROOT, { NODE_IMAGE: names.nodeBase });
  return { image: names.brokerTs, outcome };
}
