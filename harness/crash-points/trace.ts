// The trace the unsynced filesystem writes with -trace (harness/unsynced-fs/trace.go): every
// change that reached a node's disk, in the order the calls completed, with the written bytes in
// a data file beside it.
import { readFileSync } from 'node:fs';
import { HarnessError } from '../errors.js';

export type TraceOp =
  /** A file or directory the disk held when tracing began, with its bytes (what it held counts as synced). */
  | { op: 'base'; path: string; ino: number; dir?: boolean; at?: number; len?: number }
  | { op: 'create'; path: string; ino: number; dir?: boolean }
  | { op: 'link'; path: string; ino: number }
  | { op: 'write'; path: string; ino: number; off?: number; at?: number; len: number }
  | { op: 'truncate'; path: string; ino: number; size?: number }
  | { op: 'allocate'; path: string; ino: number; off?: number; len: number }
  | { op: 'fsync'; path: string; ino: number }
  | { op: 'fsyncdir'; path?: string }
  | { op: 'unlink'; path: string; ino?: number }
  | { op: 'rmdir'; path: string }
  | { op: 'rename'; path: string; to: string };

export interface TracedOp {
  op: TraceOp;
  /** The trace file's length once this op's line was written: a crash point's position. */
  end: number;
}

export interface Trace {
  ops: TracedOp[];
  /** The bytes of every write and base file. */
  data: Buffer;
}

const OPS = new Set(['base', 'create', 'link', 'write', 'truncate', 'allocate', 'fsync', 'fsyncdir', 'unlink', 'rmdir', 'rename']);

/** Reads a trace (`file`, and `file.data`); a line cut short by the end of the run is left out. */
export function readTrace(file: string): Trace {
  const text = readFileSync(file);
  const data = readFileSync(`${file}.data`);
  const ops: TracedOp[] = [];
  let start = 0;
  for (let newline = text.indexOf(10, start); newline >= 0; newline = text.indexOf(10, start)) {
    const line = text.subarray(start, newline).toString('utf8');
    let op: TraceOp;
    try {
      op = JSON.parse(line) as TraceOp;
    } catch {
      throw new HarnessError(`${file}, byte ${start}: not a trace line: ${line.slice(0, 200)}`);
    }
    if (!OPS.has(op.op)) throw new HarnessError(`${file}, byte ${start}: unknown op "${op.op}"`);
    start = newline + 1;
    ops.push({ op, end: start });
  }
  return { ops, data };
}

/** The bytes a write or base op carries. */
export function bytesOf(trace: Trace, op: { at?: number; len?: number }): Buffer {
  const at = op.at ?? 0;
  const len = op.len ?? 0;
  if (at + len > trace.data.length) throw new HarnessError(`the trace's data file ends at ${trace.data.length}, before ${at + len}`);
  return trace.data.subarray(at, at + len);
}
