import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError, errorMessage } from '../errors.js';
import { log } from '../log.js';
import { cacheDir } from './cache.js';
import { DEFAULT_KAFKA_RELEASE, TESTED_KAFKA_RELEASES } from './tested-kafka-releases.js';
import { requireTool } from './tools.js';

/** Where the jars of one Kafka version are, and which logging backend they carry. */
export interface KafkaInstall {
  version: string;
  libs: string;
  logging: 'log4j2' | 'reload4j';
  source: 'maven' | 'KAFKA_HOME';
}

/** A Maven Central mirror for release lookups (read per call, so a test can point it elsewhere). */
function mavenRepo(): string {
  return process.env.KAFKA_CHAOS_MAVEN_REPO ?? 'https://repo.maven.apache.org/maven2';
}

/** Asks Maven Central for the newest published release, whatever its line. */
export const LATEST = 'latest';

/**
 * Fixed, so that the jars a fresh machine assembles do not depend on which plugin release Maven's
 * super-POM or its metadata happens to name.
 */
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function isExactVersion(v: string): boolean {
  return /^\d+\.\d+\.\d+$/.test(v);
}

function matchesPrefix(version: string, prefix: string): boolean {
  return prefix === LATEST || version === prefix || version.startsWith(`${prefix}.`);
}

async function publishedVersions(artifact: string): Promise<string[]> {
  const url = `${mavenRepo()}/org/apache/kafka/${artifact}/maven-metadata.xml`;
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const xml = await res.text();
  return [...xml.matchAll(/<version>([^<]+)<\/version>/g)].map((m) => m[1]!).filter(isExactVersion);
}

function cachedVersions(): string[] {
  const dir = cacheDir('kafka');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((v) => isExactVersion(v) && existsSync(join(dir, v, '.complete')));
}

/**
 * Published releases matching `requested` (a prefix or "latest"), newest first. A release is usable
 * only when both the broker and the tools artifacts are published: Maven Central sometimes lists a
 * version before all of its modules have arrived.
 */
async function publishedCandidates(requested: string): Promise<string[]> {
  try {
    const [broker, tools] = await Promise.all([publishedVersions('kafka_2.13'), publishedVersions('kafka-tools')]);
    const toolSet = new Set(tools);
    const found = broker
      .filter((v) => toolSet.has(v) && matchesPrefix(v, requested))
      .sort(compareVersions)
      .reverse();
    if (found.length === 0) throw new HarnessError(`no Kafka release matching "${requested}" is published on ${mavenRepo()}`);
    return found;
  } catch (err) {
    if (err instanceof HarnessError) throw err;
    const cached = cachedVersions()
      .filter((v) => matchesPrefix(v, requested))
      .sort(compareVersions)
      .reverse();
    if (cached.length > 0) {
      log.warn({ err: errorMessage(err) }, `cannot list Kafka releases; using cached Kafka ${cached[0]}`);
      return cached;
    }
    throw new HarnessError(
      `cannot list Kafka releases on ${mavenRepo()} (${errorMessage(err)}) and none matching "${requested}" is cached in ${cacheDir('kafka')}. ` +
        'Check network access to Maven Central, or set KAFKA_HOME to an existing Kafka installation.',
    );
  }
}

/** The tested release a request names, if it names one: the default, an exact tested release or a prefix of one. */
export function testedReleaseFor(requested: string | undefined): string | undefined {
  if (requested === undefined) return DEFAULT_KAFKA_RELEASE;
  if (requested === LATEST) return undefined;
  return [...TESTED_KAFKA_RELEASES]
    .filter((v) => matchesPrefix(v, requested))
    .sort(compareVersions)
    .at(-1);
}

/**
 * Releases to try for a request, in order. The default and any prefix of a tested release resolve
 * to that release without asking Maven Central, so a new upstream release changes nothing until a
 * commit adds it to TESTED_KAFKA_RELEASES; an exact version is taken as it is; "latest" and other
 * prefixes ask Maven Central.
 */
export async function candidateVersions(requested: string | undefined): Promise<string[]> {
  const tested = testedReleaseFor(requested);
  if (tested !== undefined) return [tested];
  if (isExactVersion(requested!)) return [requested!];
  return publishedCandidates(requested!);
}

/** The newest release published on Maven Central (broker and tools jars both there). */
export async function newestPublishedRelease(): Promise<string> {
  return (await publishedCandidates(LATEST))[0]!;
}

function pomFor(version: string): string {
  const major = Number(version.split('.')[0]);
  // Kafka ships no logging backend as a Maven dependency; its distribution uses reload4j up to 3.x
  // and log4j2 from 4.0. slf4j-api is pinned at depth 1 so it wins Maven's nearest-first mediation.
  const logging =
    major >= 4
      ? `
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.17</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>2.24.3</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>2.24.3</version></dependency>`
      : `
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>1.7.36</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>1.2.25</version></dependency>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>kafka-chaos.local</groupId>
  <artifactId>kafka-${version}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${version}</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>${version}</version>
      <exclusions><exclusion><groupId>org.apache.kafka</groupId><artifactId>connect-runtime</artifactId></exclusion></exclusions>
    </dependency>${logging}
  </dependencies>
</project>
`;
}

function loggingOf(libs: string): KafkaInstall['logging'] {
  return readdirSync(libs).some((f) => f.startsWith('log4j-core-')) ? 'log4j2' : 'reload4j';
}

function installFromMaven(version: string): KafkaInstall | undefined {
  const home = cacheDir('kafka', version);
  const libs = join(home, 'libs');
  if (existsSync(join(home, '.complete'))) return { version, libs, logging: loggingOf(libs), source: 'maven' };

  requireTool('mvn', `download Apache Kafka ${version} from Maven Central`);
  log.info({ version, cache: home }, 'fetching Apache Kafka jars from Maven Central (once per version)');
  const staging = `${home}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'pom.xml'), pomFor(version));
  const mvn = spawnSync(
    'mvn',
    ['-q', '-B', '-f', join(staging, 'pom.xml'), `${DEPENDENCY_PLUGIN}:copy-dependencies`, `-DoutputDirectory=${join(staging, 'libs')}`],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (mvn.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    const detail = `${mvn.stdout ?? ''}${mvn.stderr ?? ''}`.split('\n').find((l) => l.includes('ERROR')) ?? '';
    log.warn({ version, detail: detail.trim().slice(0, 400) }, 'Kafka release could not be assembled from Maven Central');
    return undefined;
  }
  writeFileSync(join(staging, '.complete'), `${new Date().toISOString()}\n`);
  try {
    renameSync(staging, home);
  } catch {
    // Another harness finished the same download first; its copy is as good as ours.
    rmSync(staging, { recursive: true, force: true });
  }
  return { version, libs, logging: loggingOf(libs), source: 'maven' };
}

function installFromKafkaHome(home: string, requested?: string): KafkaInstall {
  const libs = join(home, 'libs');
  if (!existsSync(libs)) throw new HarnessError(`KAFKA_HOME=${home} has no libs/ folder: point it at an Apache Kafka installation`);
  const clients = readdirSync(libs).find((f) => /^kafka-clients-\d+\.\d+\.\d+\.jar$/.test(f));
  if (!clients) throw new HarnessError(`KAFKA_HOME=${home}: no kafka-clients-<version>.jar in libs/`);
  const version = clients.slice('kafka-clients-'.length, -'.jar'.length);
  if (requested && !matchesPrefix(version, requested)) {
    throw new HarnessError(`--kafka-version ${requested} was asked for, but KAFKA_HOME=${home} holds Kafka ${version}`);
  }
  return { version, libs, logging: loggingOf(libs), source: 'KAFKA_HOME' };
}

/**
 * Finds or fetches Kafka jars. `requested` is an exact version ("3.9.2"), a prefix ("3.9", "4": the
 * tested release of that line, else the newest published) or "latest"; the default is
 * DEFAULT_KAFKA_RELEASE.
 */
export async function provisionKafka(requested?: string): Promise<KafkaInstall> {
  requireTool('java', 'run Apache Kafka');
  if (process.env.KAFKA_HOME) return installFromKafkaHome(process.env.KAFKA_HOME, requested);
  const candidates = await candidateVersions(requested);
  for (const version of candidates.slice(0, 3)) {
    const install = installFromMaven(version);
    if (install) return install;
  }
  throw new HarnessError(`could not assemble Kafka ${candidates.slice(0, 3).join(', ')} from Maven Central; see the warnings above, or set KAFKA_HOME`);
}
