import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../../../errors.js';
import { log } from '../../../log.js';
import { cacheDir } from '../../../provision/cache.js';
import { dockerCli, runLogged } from '../build-tools.js';
import type { DockerEngine } from '../engine.js';
import { LOCAL_BASE_IMAGES } from '../images.js';

const SUITE = 'bookworm';
const VARIANT = 'minbase';
const ROOTFS_LABEL = 'kafka-chaos.rootfs';

function mirror(): string {
  return process.env.KAFKA_CHAOS_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
}

/** Names the root filesystem: a change of suite, variant or mirror makes a new one. */
function rootfsKey(): string {
  return createHash('sha256').update(`${SUITE} ${VARIANT} ${mirror()} 1`).digest('hex').slice(0, 12);
}

async function imageLabel(engine: DockerEngine, image: string, label: string): Promise<string | undefined> {
  try {
    const info = await engine.docker.getImage(image).inspect();
    return info.Config?.Labels?.[label];
  } catch {
    return undefined;
  }
}

function requireRootAndDebootstrap(): void {
  if (process.getuid?.() !== 0) {
    throw new HarnessError(
      'building the Debian base image runs debootstrap, which needs root: run `npx kafka-chaos images build` once as root (its result is cached)',
    );
  }
  const probe = spawnSync('debootstrap', ['--version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new HarnessError('debootstrap is needed to build the Debian base image but was not found on PATH: install it (Debian: apt-get install debootstrap)');
  }
}

/** debootstrap into a staging dir, then pack it: the expensive step, done once per machine. */
async function bootstrapRootfs(tarball: string, logDir: string): Promise<void> {
  requireRootAndDebootstrap();
  const staging = `${tarball}.staging-${process.pid}`;
  const root = join(staging, 'root');
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    log.info({ suite: SUITE, mirror: mirror() }, 'debootstrap of the Debian base image (once; takes a minute or two)');
    await runLogged('debootstrap', [`--variant=${VARIANT}`, SUITE, root, mirror()], { logFile: join(logDir, 'debootstrap.log') });
    // Security and point-release updates for what later layers install with apt.
    const base = mirror();
    writeFileSync(
      join(root, 'etc/apt/sources.list'),
      [
        `deb ${base} ${SUITE} main`,
        `deb ${base} ${SUITE}-updates main`,
        `deb ${base.replace(/\/debian\/?$/, '/debian-security')} ${SUITE}-security main`,
        '',
      ].join('\n'),
    );
    for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
      rmSync(join(root, dir), { recursive: true, force: true });
      mkdirSync(join(root, dir, 'partial'), { recursive: true });
    }
    await runLogged('tar', ['-C', root, '--numeric-owner', '-cf', join(staging, 'rootfs.tar'), '.'], { logFile: join(logDir, 'rootfs-tar.log') });
    renameSync(join(staging, 'rootfs.tar'), tarball);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * The Debian image every local image builds on, made without pulling: a debootstrap'ed root
 * filesystem (cached as a tarball in the kafka-chaos cache) imported with `docker import`.
 */
export async function ensureDebianBase(engine: DockerEngine, logDir: string): Promise<'cached' | 'imported' | 'bootstrapped'> {
  const key = rootfsKey();
  const image = LOCAL_BASE_IMAGES.debian;
  if ((await imageLabel(engine, image, ROOTFS_LABEL)) === key) return 'cached';
  const dir = cacheDir('images');
  mkdirSync(dir, { recursive: true });
  const tarball = join(dir, `debian-${SUITE}-${VARIANT}-${key}.tar`);
  let outcome: 'imported' | 'bootstrapped' = 'imported';
  if (!existsSync(tarball)) {
    await bootstrapRootfs(tarball, logDir);
    outcome = 'bootstrapped';
  }
  await dockerCli(['import', '--change', 'ENV LANG=C.UTF-8', '--change', `LABEL ${ROOTFS_LABEL}=${key}`, '--change', 'CMD ["/bin/bash"]', tarball, image], {
    logFile: join(logDir, 'debian-import.log'),
  });
  return outcome;
}
