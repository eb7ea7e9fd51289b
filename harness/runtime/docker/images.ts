import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImageName } from 'testcontainers';
import { HarnessError, errorMessage } from '../../errors.js';
import { log } from '../../log.js';
import { TOXIPROXY_VERSION } from '../../provision/toxiproxy.js';
import { REPO_ROOT } from '../supervisor.js';
import type { DockerEngine } from './engine.js';

/**
 * Which images a docker cluster runs. `official`: apache/kafka, Shopify's toxiproxy and the
 * official Node.js image as broker-ts's base, pulled when missing. `local`: equivalents built on
 * this machine without pulling anything (`kafka-chaos images build`, see local-images/).
 * broker-ts has no published image: it is always built from broker-ts/Dockerfile, on either base.
 */
export type ImageSource = 'official' | 'local';
export const IMAGE_SOURCES: readonly ImageSource[] = ['official', 'local'];

export function parseImageSource(value: string, where: string): ImageSource {
  if ((IMAGE_SOURCES as readonly string[]).includes(value)) return value as ImageSource;
  throw new HarnessError(`${where}: expected ${IMAGE_SOURCES.join(' or ')}, got "${value}"`);
}

/** KAFKA_CHAOS_IMAGES (set by `--images`), official by default. */
export function imageSourceFromEnv(): ImageSource {
  const value = process.env.KAFKA_CHAOS_IMAGES;
  return value ? parseImageSource(value, 'KAFKA_CHAOS_IMAGES') : 'official';
}

export const LOCAL_BASE_IMAGES = {
  debian: 'kafka-chaos/debian:bookworm',
  java: 'kafka-chaos/java:17',
};

const toxiproxyTag = TOXIPROXY_VERSION.replace(/^v/, '');

/**
 * broker-ts's base among the official images: an exact Node.js release, so that a fresh machine
 * pulls what was tested (a floating tag such as node:20-bookworm-slim moves with every release).
 * broker-ts/Dockerfile's default names the same image.
 */
export const OFFICIAL_NODE_IMAGE = 'node:20.20.2-bookworm-slim';

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export interface ImageNames {
  source: ImageSource;
  kafka(version: string): string;
  toxiproxy: string;
  /** The Node.js image broker-ts's Dockerfile builds on. */
  nodeBase: string;
  brokerTs: string;
}

/**
 * Image names for a source. KAFKA_CHAOS_KAFKA_IMAGE (a repository; the tag is the Kafka version),
 * KAFKA_CHAOS_TOXIPROXY_IMAGE and KAFKA_CHAOS_NODE_IMAGE (full names) replace single images.
 */
export function imageNames(source: ImageSource): ImageNames {
  const official = source === 'official';
  const kafkaRepo = process.env.KAFKA_CHAOS_KAFKA_IMAGE ?? (official ? 'apache/kafka' : 'kafka-chaos/kafka');
  return {
    source,
    kafka: (version) => `${kafkaRepo}:${version}`,
    toxiproxy: process.env.KAFKA_CHAOS_TOXIPROXY_IMAGE ?? (official ? `ghcr.io/shopify/toxiproxy:${toxiproxyTag}` : `kafka-chaos/toxiproxy:${toxiproxyTag}`),
    nodeBase: process.env.KAFKA_CHAOS_NODE_IMAGE ?? (official ? OFFICIAL_NODE_IMAGE : `kafka-chaos/node:${process.versions.node}`),
    brokerTs: `kafka-chaos/broker-ts:${packageVersion()}-${source}`,
  };
}

export async function imageExists(engine: DockerEngine, name: string): Promise<boolean> {
  try {
    await engine.docker.getImage(name).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

/** Pulls an image that is not here yet, or says clearly why it cannot be had. */
export async function pullIfMissing(engine: DockerEngine, name: string): Promise<void> {
  if (await imageExists(engine, name)) return;
  log.info({ image: name }, 'pulling image');
  try {
    await engine.client.image.pull(ImageName.fromString(name));
  } catch (err) {
    throw new HarnessError(
      `image ${name} is not on this machine and could not be pulled (${errorMessage(err).split('\n')[0]}). ` +
        'Without access to its registry, build equivalent local images with `npx kafka-chaos images build` and run with --images local.',
    );
  }
  if (!(await imageExists(engine, name))) throw new HarnessError(`pulling ${name} reported no error, but the image is not there`);
}
