// The disk rebuilt from a trace against the real unsynced filesystem: the same operations go
// through a traced mount, then the mount's power cut leaves its backing dir as the journal says.
// The model's power-cut image of the whole trace must be that dir, file for file and byte for byte,
// and its everything-written image what the mount showed before the cut.
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { fsyncPath } from '../fsync-path.js';
import { afterAll, describe, expect, it } from 'vitest';
import { supervisor } from '../runtime/supervisor.js';
import { UnsyncedDisk } from '../runtime/unsynced-disk.js';
import { DiskModel } from './disk-model.js';
import { readTrace } from './trace.js';

const sup = supervisor();
const root = sup.tempDir('disk-model-test');
afterAll(() => sup.forgetTempDir(root));

function writeAt(file: string, text: string, position: number | null, sync = false): void {
  const fd = openSync(file, existsSync(file) ? 'r+' : 'w');
  try {
    writeSync(fd, text, position ?? statSync(file).size);
    if (sync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Every file and directory under `dir`: path → content (null for a directory). */
function tree(dir: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        out[relative(dir, p)] = null;
        walk(p);
      } else out[relative(dir, p)] = readFileSync(p, 'latin1');
    }
  };
  walk(dir);
  return out;
}

function imageOf(model: DiskModel, kind: 'power-cut' | 'everything-written', name: string): Record<string, string | null> {
  const dir = join(root, name);
  model.writeImage(dir, kind);
  return tree(dir);
}

describe('a disk rebuilt from the trace', () => {
  it('is what the unsynced filesystem keeps after a power cut, and what it showed before', async () => {
    const dataDir = join(root, 'node');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'meta.properties'), 'node.id=1\n');
    writeFileSync(join(dataDir, 'old.log'), 'synced-before-mount|');
    const traceFile = join(root, 'node.trace');
    const disk = await UnsyncedDisk.mountOver(sup, 1, dataDir, join(root, 'logs'), traceFile);
    const d = disk.mountPoint;
    try {
      // A tail past the last fsync; synced bytes overwritten and not synced again.
      writeAt(join(d, 'old.log'), 'fsynced|', null, true);
      writeAt(join(d, 'old.log'), 'not-fsynced', null);
      writeAt(join(d, 'meta.properties'), 'XXXX', 0);
      // A partition dir made durable, with a segment synced into it, then grown and cut back.
      mkdirSync(join(d, 'topic-0'));
      fsyncPath(d);
      writeAt(join(d, 'topic-0', '0.log'), 'batch-1|batch-2|', null, true);
      fsyncPath(join(d, 'topic-0'));
      writeAt(join(d, 'topic-0', '0.log'), 'batch-3|', null);
      const fd = openSync(join(d, 'topic-0', '0.log'), 'r+');
      ftruncateSync(fd, 'batch-1|'.length);
      closeSync(fd);
      // An index grown sparse (as a preallocated index file), with an entry synced at its start.
      const index = openSync(join(d, 'topic-0', '0.index'), 'w');
      ftruncateSync(index, 4096);
      writeSync(index, 'entry', 0);
      fsyncSync(index);
      closeSync(index);
      fsyncPath(join(d, 'topic-0'));
      // A file synced whose name never was.
      writeAt(join(d, 'topic-0', 'lost-name.log'), 'lost-with-its-name', null, true);
      // A checkpoint replaced by a temp file renamed over it, its dir not synced since: the new one.
      writeFileSync(join(d, 'checkpoint'), 'v1');
      fsyncPath(join(d, 'checkpoint'));
      fsyncPath(d);
      writeFileSync(join(d, 'checkpoint.tmp'), 'v2');
      fsyncPath(join(d, 'checkpoint.tmp'));
      renameSync(join(d, 'checkpoint.tmp'), join(d, 'checkpoint'));
      // A durable file removed and made again; then a dir never synced into its parent, with a
      // synced file in it.
      unlinkSync(join(d, 'old.log'));
      writeAt(join(d, 'old.log'), 'recreated', null, true);
      fsyncPath(d);
      mkdirSync(join(d, 'new-dir'));
      writeAt(join(d, 'new-dir', 'f'), 'gone', null, true);
      fsyncPath(join(d, 'new-dir'));

      const before = tree(d);
      await disk.powerCut();
      const trace = readTrace(traceFile);
      const model = new DiskModel(trace);
      for (const { op } of trace.ops) model.apply(op);

      expect(imageOf(model, 'everything-written', 'everything')).toEqual(before);
      const afterCut = tree(disk.backing);
      expect(imageOf(model, 'power-cut', 'power-cut')).toEqual(afterCut);
      // What the journal keeps, spelt out: the model agreeing with it proves little if both are wrong.
      expect(afterCut['meta.properties']).toBe('node.id=1\n');
      expect(afterCut['old.log']).toBe('recreated');
      expect(afterCut['topic-0/0.log']).toBe('batch-1|batch-2|');
      expect(afterCut['topic-0/0.index']).toBe(`entry${'\0'.repeat(4091)}`);
      expect(afterCut['checkpoint']).toBe('v2');
      expect(afterCut).not.toHaveProperty('topic-0/lost-name.log');
      expect(afterCut).not.toHaveProperty('new-dir');
    } finally {
      await disk.unmount();
    }
  });

  it('starts from what the disk held when tracing began', async () => {
    const dataDir = join(root, 'base');
    mkdirSync(join(dataDir, 'sub'), { recursive: true });
    writeFileSync(join(dataDir, 'sub', 'a'), 'before the mount');
    const traceFile = join(root, 'base.trace');
    const disk = await UnsyncedDisk.mountOver(sup, 2, dataDir, join(root, 'base-logs'), traceFile);
    await disk.unmount();
    const trace = readTrace(traceFile);
    expect(trace.ops.map((t) => t.op.op)).toEqual(['base', 'base']);
    const model = new DiskModel(trace);
    for (const { op } of trace.ops) model.apply(op);
    expect(imageOf(model, 'power-cut', 'base-image')).toEqual({ sub: null, 'sub/a': 'before the mount' });
  });
});
