import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../../../errors.js';
import { log } from '../../../log.js';
import { cacheDir } from '../../../provision/cache.js';
import type { KafkaInstall } from '../../../provision/kafka.js';
import { provisionToxiproxy } from '../../../provision/toxiproxy.js';
import { dockerCli, requireDockerCli } from '../build-tools.js';
import type { DockerEngine } from '../engine.js';
import { LOCAL_BASE_IMAGES, imageExists, imageNames } from '../images.js';
import { ensureDebianBase } from './debian-base.js';

const DOCKERFILES = dirname(fileURLToPath(import.meta.url));

export type BuildOutcome = 'built' | 'cached' | 'bootstrapped' | 'imported' | 'skipped';

export interface BuildStep {
  image: string;
  outcome: BuildOutcome;
  seconds: number;
  note?: string;
}

export function buildLogDir(): string {
  return cacheDir('images', 'logs');
}

/** A context folder in the cache, refilled for each build: only what the Dockerfile copies. */
function stagedContext(name: string): string {
  const dir = cacheDir('images', 'contexts', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function imageId(engine: DockerEngine, image: string): Promise<string | undefined> {
  try {
    return (await engine.docker.getImage(image).inspect()).Id;
  } catch {
    return undefined;
  }
}

/** `docker build`, reusing every cached layer whose inputs did not change. */
export async function dockerBuild(
  engine: DockerEngine,
  image: string,
  dockerfile: string,
  context: string,
  buildArgs: Record<string, string>,
): Promise<BuildOutcome> {
  requireDockerCli();
  const before = await imageId(engine, image);
  const args = ['build', '-t', image, '-f', dockerfile];
  for (const [k, v] of Object.entries(buildArgs)) args.push('--build-arg', `${k}=${v}`);
  args.push(context);
  await dockerCli(args, { logFile: join(buildLogDir(), `${image.replace(/[/:]/g, '_')}.log`) });
  const after = await imageId(engine, image);
  if (before === undefined) return 'built';
  if (before === after) return 'cached';
  // The image this build replaced would stay behind untagged, build after build (broker-ts is
  // rebuilt before every run). One that another tag still names, or a container uses, is kept.
  const replaced = engine.docker.getImage(before);
  const tags = (await replaced.inspect().catch(() => undefined))?.RepoTags ?? [];
  if (tags.filter((t) => t !== '<none>:<none>').length === 0) await replaced.remove().catch(() => {});
  return 'built';
}

async function timed(image: string, step: () => Promise<BuildOutcome>): Promise<BuildStep> {
  const started = performance.now();
  const outcome = await step();
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  log.info({ image, outcome, seconds }, 'image ready');
  return { image, outcome, seconds };
}

function buildDebian(engine: DockerEngine): Promise<BuildStep> {
  return timed(LOCAL_BASE_IMAGES.debian, () => ensureDebianBase(engine, buildLogDir()));
}

function buildJava(engine: DockerEngine): Promise<BuildStep> {
  return timed(LOCAL_BASE_IMAGES.java, () =>
    dockerBuild(engine, LOCAL_BASE_IMAGES.java, join(DOCKERFILES, 'java.Dockerfile'), stagedContext('java'), { BASE_IMAGE: LOCAL_BASE_IMAGES.debian }),
  );
}

function buildKafka(engine: DockerEngine, install: KafkaInstall): Promise<BuildStep> {
  const image = imageNames('local').kafka(install.version);
  // The install folder is the context; the Dockerfile copies only its libs/.
  return timed(image, () =>
    dockerBuild(engine, image, join(DOCKERFILES, 'kafka.Dockerfile'), dirname(install.libs), {
      JAVA_IMAGE: LOCAL_BASE_IMAGES.java,
      KAFKA_VERSION: install.version,
    }),
  );
}

function buildToxiproxy(engine: DockerEngine): Promise<BuildStep> {
  const image = imageNames('local').toxiproxy;
  return timed(image, () => {
    const context = stagedContext('toxiproxy');
    copyFileSync(provisionToxiproxy(), join(context, 'toxiproxy-server'));
    return dockerBuild(engine, image, join(DOCKERFILES, 'toxiproxy.Dockerfile'), context, { BASE_IMAGE: LOCAL_BASE_IMAGES.debian });
  });
}

/** npm as installed beside this node binary (…/bin/node → …/lib/node_modules/npm). */
function npmBesideNode(): string {
  const npm = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
  if (!existsSync(join(npm, 'bin', 'npm-cli.js'))) {
    throw new HarnessError(`the local Node.js image copies this machine's node and npm, but npm was not found at ${npm}`);
  }
  return npm;
}

/** The extra authorities this Node.js trusts, or (so that the file is never empty) its own roots. */
function trustedAuthorities(): string {
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (extra && existsSync(extra)) return readFileSync(extra, 'utf8');
  return `${rootCertificates.join('\n')}\n`;
}

function buildNode(engine: DockerEngine): Promise<BuildStep> {
  const image = imageNames('local').nodeBase;
  return timed(image, () => {
    const context = stagedContext('node');
    copyFileSync(process.execPath, join(context, 'node'));
    cpSync(npmBesideNode(), join(context, 'npm'), { recursive: true });
    writeFileSync(join(context, 'ca-certificates.crt'), trustedAuthorities());
    return dockerBuild(engine, image, join(DOCKERFILES, 'node.Dockerfile'), context, { BASE_IMAGE: LOCAL_BASE_IMAGES.debian });
  });
}

export interface LocalImageRequest {
  kafka?: KafkaInstall;
  toxiproxy?: boolean;
  node?: boolean;
}

/** Builds the requested local images and what they build on; every step reuses Docker's cache. */
export async function buildLocalImages(engine: DockerEngine, request: LocalImageRequest): Promise<BuildStep[]> {
  const steps = [await buildDebian(engine)];
  if (request.kafka) steps.push(await buildJava(engine), await buildKafka(engine, request.kafka));
  if (request.toxiproxy) steps.push(await buildToxiproxy(engine));
  if (request.node) steps.push(await buildNode(engine));
  return steps;
}

/** Before a run: builds only the local images that are missing. */
export async function ensureLocalImages(engine: DockerEngine, request: LocalImageRequest): Promise<void> {
  const names = imageNames('local');
  const missing: LocalImageRequest = {
    ...(request.kafka && !(await imageExists(engine, names.kafka(request.kafka.version))) ? { kafka: request.kafka } : {}),
    toxiproxy: Boolean(request.toxiproxy) && !(await imageExists(engine, names.toxiproxy)),
    node: Boolean(request.node) && !(await imageExists(engine, names.nodeBase)),
  };
  if (!missing.kafka && !missing.toxiproxy && !missing.node) return;
  log.info('building the missing local images (kafka-chaos images build does it ahead of time)');
  await buildLocalImages(engine, missing);
}
