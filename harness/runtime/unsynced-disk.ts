import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join, resolve } from 'node:path';
import { HarnessError } from '../errors.js';
import { provisionUnsyncedFs } from '../provision/unsynced-fs.js';
import { pollUntil } from '../wait.js';
import type { FailedCalls, IoFailureRule, NodeDisks, PowerCut } from './cluster.js';
import { log } from '../log.js';
import { abortFuseConnection, detachMountsUnder, mounts } from './mounts.js';
import { tail } from './readiness.js';
import type { ManagedProcess, Supervisor } from './supervisor.js';

const STOP_GRACE_MS = 10_000;

/** Whether `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      promise.then(
        () => true as const,
        () => true as const,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The start of the line the program prints once its mount is ready (MOUNTED_LINE in main.go). */
const MOUNTED_LINE = 'mounted ';

/** How the unsynced filesystem names its mounts (FS_NAME in harness/unsynced-fs/main.go). */
export const UNSYNCED_FS_SOURCE_NAME = 'kafka-chaos-unsynced';

/**
 * One node's data dir on the unsynced filesystem: the formatted dir moves to `<dataDir>.disk`
 * (the disk), and the filesystem mounts it back at `dataDir`, where the node reads and writes.
 * A power cut stops the filesystem, which puts the disk back to what was fsynced, and mounts it
 * again for the node's next start.
 */
export class UnsyncedDisk {
  private daemon: ManagedProcess | undefined;
  private cuts = 0;
  readonly backing: string;
  /** Where the first mount records every change (harness/unsynced-fs/trace.go); later mounts do not. */
  private traceFile: string | undefined;

  private constructor(
    private readonly sup: Supervisor,
    readonly node: number,
    readonly mountPoint: string,
    /** The node's log dir: the filesystem's output and its reports go there. */
    private readonly logDir: string,
  ) {
    this.backing = `${mountPoint}.disk`;
  }

  /**
   * Puts the formatted data dir `dataDir` on the unsynced filesystem; with `traceFile`, every change
   * until the first power cut is recorded there (the crash-point test).
   */
  static async mountOver(sup: Supervisor, node: number, dataDir: string, logDir: string, traceFile?: string): Promise<UnsyncedDisk> {
    const disk = new UnsyncedDisk(sup, node, resolve(dataDir), logDir);
    disk.traceFile = traceFile;
    rmSync(disk.backing, { recursive: true, force: true });
    await disk.mountOverDataDir();
    return disk;
  }

  /** The formatted dir at the mount point becomes the disk, mounted back where it was. */
  private async mountOverDataDir(): Promise<void> {
    renameSync(this.mountPoint, this.backing);
    mkdirSync(this.mountPoint);
    await this.mount();
  }

  private get outputLog(): string {
    return join(this.logDir, 'unsynced-fs.log');
  }

  private isMounted(): boolean {
    return mounts().some((m) => m.mountPoint === this.mountPoint && m.source === UNSYNCED_FS_SOURCE_NAME);
  }

  /** How many times the program said its mount was ready (MOUNTED_LINE in main.go), in its output so far. */
  private mountsReported(): number {
    if (!existsSync(this.outputLog)) return 0;
    return readFileSync(this.outputLog, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith(MOUNTED_LINE)).length;
  }

  private async mount(): Promise<void> {
    mkdirSync(this.logDir, { recursive: true });
    const n = this.cuts + 1;
    const reported = this.mountsReported();
    const daemon = this.sup.spawn(
      `unsynced-fs-node-${this.node}`,
      provisionUnsyncedFs(),
      [
        ...['-backing', this.backing, '-mount', this.mountPoint, '-report', this.reportFile(n), '-keep', this.keptIn(n), '-control', this.controlSocket],
        ...(this.traceFile === undefined ? [] : ['-trace', this.traceFile]),
      ],
      { logFile: this.outputLog },
    );
    this.daemon = daemon;
    this.traceFile = undefined;
    // The mount shows in mountinfo before go-fuse has set it up; its program says when it has (a
    // signal before that once left the program unable to exit).
    const ready = () => this.isMounted() && this.mountsReported() > reported;
    await pollUntil(() => ready() || !daemon.running, { timeoutMs: 15_000, intervalMs: 20 });
    if (!ready()) {
      daemon.kill();
      throw new HarnessError(
        `the unsynced filesystem did not mount on ${this.mountPoint} (node ${this.node}; it needs /dev/fuse and root or CAP_SYS_ADMIN). ` +
          `Its output (${this.outputLog}):\n${tail(this.outputLog, 10)}`,
      );
    }
  }

  /** Beside the mount point in the run's temp dir: a Unix socket's path must stay short. */
  private get controlSocket(): string {
    return `${this.mountPoint}.control`;
  }

  /** One request to the filesystem's control socket (harness/unsynced-fs/control.go). */
  private control(request: object): Promise<{ failed?: FailedCalls }> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(this.controlSocket);
      let answer = '';
      socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
      socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
      socket.on('data', (chunk: Buffer) => {
        answer += chunk.toString('utf8');
        if (!answer.includes('\n')) return;
        socket.end();
        const parsed = JSON.parse(answer) as { ok: boolean; error?: string; failed?: FailedCalls };
        if (parsed.ok) resolve(parsed);
        else reject(new HarnessError(`node ${this.node}'s unsynced filesystem refused ${JSON.stringify(request)}: ${parsed.error}`));
      });
      socket.on('error', (err) => reject(new HarnessError(`node ${this.node}'s unsynced filesystem does not answer on ${this.controlSocket}: ${err.message}`)));
    });
  }

  async failIo(rule: IoFailureRule): Promise<void> {
    await this.control({ op: 'fail-io', rule });
  }

  async failedCalls(): Promise<FailedCalls> {
    return (await this.control({ op: 'status' })).failed ?? {};
  }

  async healIo(): Promise<FailedCalls> {
    return (await this.control({ op: 'heal-io' })).failed ?? {};
  }

  private reportFile(n: number): string {
    return join(this.logDir, `power-cut-${n}.json`);
  }

  /** The dropped bytes of cut `n` are kept beside the disk, in the run's temp dir. */
  private keptIn(n: number): string {
    return `${this.mountPoint}.power-cut-${n}`;
  }

  /** The node must be down: discards what it did not fsync and mounts what remains. */
  async powerCut(): Promise<PowerCut> {
    const daemon = this.daemon;
    if (!daemon?.running) throw new HarnessError(`node ${this.node}'s unsynced filesystem is not running (see ${this.outputLog})`);
    const n = this.cuts + 1;
    daemon.signal('SIGUSR1');
    let status = daemon.exitStatus;
    await pollUntil(() => (status = daemon.exitStatus) !== undefined, { timeoutMs: 60_000, intervalMs: 20 });
    if (status === undefined || status.code !== 0 || !existsSync(this.reportFile(n))) {
      daemon.kill();
      throw new HarnessError(
        `node ${this.node}'s unsynced filesystem failed its power cut (exit ${status?.code ?? 'none'}, signal ${status?.signal ?? 'none'}). ` +
          `Its output (${this.outputLog}):\n${tail(this.outputLog, 10)}`,
      );
    }
    this.cuts = n;
    const report = JSON.parse(readFileSync(this.reportFile(n), 'utf8')) as Omit<PowerCut, 'node' | 'keptIn' | 'reportFile'>;
    await this.mount();
    return { ...report, node: this.node, keptIn: this.keptIn(n), reportFile: this.reportFile(n) };
  }

  /** Unmounts keeping everything, as a clean shutdown of the machine would. */
  async unmount(): Promise<void> {
    const daemon = this.daemon;
    if (daemon?.running) {
      const stopping = daemon.stop(STOP_GRACE_MS);
      if (!(await settlesWithin(stopping, STOP_GRACE_MS + 5000))) {
        // Even SIGKILL has not ended it: it waits in the kernel on its own mount. Aborting the
        // connection fails that wait.
        const aborted = abortFuseConnection(this.mountPoint);
        log.warn(
          { node: this.node, pid: daemon.pid, mountPoint: this.mountPoint, aborted },
          'the unsynced filesystem did not exit when stopped: its FUSE connection aborted',
        );
        if (!(await settlesWithin(stopping, STOP_GRACE_MS))) {
          throw new HarnessError(
            `node ${this.node}'s unsynced filesystem (pid ${daemon.pid}) did not exit when stopped${aborted ? ', nor after its FUSE connection was aborted' : ''} (see ${this.outputLog})`,
          );
        }
      }
    }
    detachMountsUnder(this.mountPoint);
  }

  /**
   * The node's data erased and formatted again (`format` writes a fresh data dir at the mount
   * point): the filesystem goes, and comes back over the new dir.
   */
  async reformat(format: () => Promise<void>): Promise<void> {
    await this.unmount();
    rmSync(this.mountPoint, { recursive: true, force: true });
    rmSync(this.backing, { recursive: true, force: true });
    await format();
    await this.mountOverDataDir();
  }
}

/** A cluster's unsynced filesystems as the NodeDisks its driver offers (undefined when it has none). */
export function nodeDisks(disks: ReadonlyMap<number, UnsyncedDisk>): NodeDisks | undefined {
  if (disks.size === 0) return undefined;
  const disk = (id: number): UnsyncedDisk => {
    const found = disks.get(id);
    if (!found) throw new HarnessError(`node ${id} has no unsynced filesystem`);
    return found;
  };
  return {
    powerCut: (id) => disk(id).powerCut(),
    failIo: (id, rule) => disk(id).failIo(rule),
    failedCalls: (id) => disk(id).failedCalls(),
    healIo: (id) => disk(id).healIo(),
  };
}
