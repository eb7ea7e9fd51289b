// A history must hold every invocation its process made, even when the process is killed at once:
// an invocation missing from a killed producer's history turns its message into an "unexpected"
// read. A child records 2,000 operations and kills itself with SIGKILL before its event loop turns
// again; every one of them must be in the file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { HistoryRecorder } from './recorder.js';

const dir = mkdtempSync(join(tmpdir(), 'kafka-chaos-recorder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('HistoryRecorder', () => {
  it('has every recorded operation on file when its process is killed right after recording it', () => {
    const file = join(dir, 'killed.jsonl');
    const recorder = pathToFileURL(join(import.meta.dirname, 'recorder.ts')).href;
    const script = [
      `const { HistoryRecorder } = await import(${JSON.stringify(recorder)});`,
      `const history = new HistoryRecorder(${JSON.stringify(file)}, 0);`,
      `for (let id = 0; id < 2000; id++) history.record({ type: 'invoke', f: 'send', process: 0, id, value: { partition: 0 }, time: id });`,
      `process.kill(process.pid, 'SIGKILL');`,
    ].join('\n');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.signal, child.stderr).toBe('SIGKILL');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2000);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ type: 'invoke', id: 1999 });
  });

  it('never appends to an existing history', () => {
    const file = join(dir, 'once.jsonl');
    void new HistoryRecorder(file).close();
    expect(() => new HistoryRecorder(file)).toThrow(/EEXIST/);
  });
});
