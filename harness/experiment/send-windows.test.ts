import { describe, expect, it } from 'vitest';
import type { Operation } from '../history/operation.js';
import { SendWindows } from './send-windows.js';

const send = (id: number, type: 'invoke' | 'ok' | 'fail' | 'info', time: number, client = 'p'): Operation => ({
  f: 'send',
  type,
  process: 0,
  time,
  id,
  partition: 0,
  client,
});

function windows(ops: Operation[]) {
  // Step "cut" in force from 10 to 20; step "kill" from 15 until the end of the workload (40).
  const w = new SendWindows([{ name: 'cut', injectedAt: 10, healedAt: 20 }, { name: 'kill', injectedAt: 15 }, { name: 'never' }], { startMs: 0, endMs: 40 });
  for (const op of ops) w.add(op);
  w.finish();
  return w;
}

describe('send windows', () => {
  it('counts sends before, during and after a step, per producer too', () => {
    const w = windows([send(1, 'invoke', 5), send(1, 'ok', 6), send(2, 'invoke', 12, 'q'), send(2, 'ok', 13, 'q'), send(3, 'invoke', 25), send(3, 'fail', 26)]);
    expect(w.count('cut', 'before', 'acknowledged')).toBe(1);
    expect(w.count('cut', 'during', 'acknowledged')).toBe(1);
    expect(w.count('cut', 'during', 'acknowledged', 'q')).toBe(1);
    expect(w.count('cut', 'during', 'acknowledged', 'p')).toBe(0);
    expect(w.count('cut', 'after', 'failed')).toBe(1);
    expect(w.count('cut', 'after', 'notAcknowledged')).toBe(1);
    expect(w.count('kill', 'during', 'attempted')).toBe(1);
  });

  it('a send outstanding across a window is in flight in it, even with no operation inside', () => {
    const w = windows([send(1, 'invoke', 8), send(1, 'info', 22), send(2, 'invoke', 30)]);
    expect(w.count('cut', 'during', 'attempted')).toBe(0);
    expect(w.count('cut', 'during', 'inFlight')).toBe(1);
    // Never completed: in flight until the end.
    expect(w.count('kill', 'during', 'inFlight')).toBe(2);
  });

  it('a step healed only at the end has no after; a step that never ran has no window at all', () => {
    const w = windows([send(1, 'invoke', 30), send(1, 'ok', 31)]);
    expect(w.count('kill', 'after', 'acknowledged')).toBeUndefined();
    expect(w.count('never', 'during', 'acknowledged')).toBeUndefined();
  });
});
