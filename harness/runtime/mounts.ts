import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';

/** A mount as /proc/self/mountinfo lists it. */
export interface MountEntry {
  mountPoint: string;
  fsType: string;
  source: string;
  /** The mount's device, "major:minor"; a FUSE mount's minor names its connection. */
  device: string;
}

/** mountinfo escapes space, tab, newline and backslash as octal (\040). */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

export function mounts(): MountEntry[] {
  let text: string;
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    // "<id> <parent> <maj:min> <root> <mount point> <options> <optional fields…> - <fs type> <source> <super options>"
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const fields = left.split(' ');
    const mountPoint = fields[4];
    const [fsType, source] = right.split(' ');
    if (mountPoint === undefined || fsType === undefined) continue;
    entries.push({ mountPoint: unescape(mountPoint), fsType, source: unescape(source ?? ''), device: fields[2] ?? '' });
  }
  return entries;
}

/** Mounts at or below `dir`, deepest first. */
export function mountsUnder(dir: string): MountEntry[] {
  const root = resolve(dir);
  return mounts()
    .filter((m) => m.mountPoint === root || m.mountPoint.startsWith(root + sep))
    .sort((a, b) => b.mountPoint.length - a.mountPoint.length);
}

/**
 * Detaches every mount below `dir` (umount -l: at once, even when the filesystem's program is
 * gone or something still holds a file), so that the dir can be removed. Returns the mount points.
 */
export function detachMountsUnder(dir: string): string[] {
  const detached: string[] = [];
  for (const m of mountsUnder(dir)) {
    const result = spawnSync('umount', ['-l', m.mountPoint], { stdio: 'ignore' });
    if (result.status === 0) detached.push(m.mountPoint);
  }
  return detached;
}

const FUSE_CONNECTIONS = '/sys/fs/fuse/connections';

/**
 * Aborts the FUSE connection of the mount at `mountPoint`, as `echo 1 > .../abort` does: every
 * request waiting on its program fails at once. The way out when that program hangs, since a
 * process waiting on a FUSE request (the program itself, in its own unmount) cannot even be
 * killed. Mounts the fusectl filesystem first if needed. False when there is no such mount.
 */
export function abortFuseConnection(mountPoint: string): boolean {
  const mount = mounts().find((m) => m.mountPoint === resolve(mountPoint) && m.fsType.startsWith('fuse'));
  const minor = mount?.device.split(':')[1];
  if (minor === undefined) return false;
  if (readdirSync(FUSE_CONNECTIONS).length === 0) spawnSync('mount', ['-t', 'fusectl', 'fusectl', FUSE_CONNECTIONS], { stdio: 'ignore' });
  const abort = `${FUSE_CONNECTIONS}/${minor}/abort`;
  if (!existsSync(abort)) return false;
  writeFileSync(abort, '1');
  return true;
}
