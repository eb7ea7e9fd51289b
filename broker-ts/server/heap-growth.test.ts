// The growth factor is checked where V8 applies it: child Node processes force full collections,
// and V8's own trace says by how much it grew the old generation's limit each time.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from './heap-growth.js';

const run = promisify(execFile);
const policyModule = path.join(path.dirname(fileURLToPath(import.meta.url)), 'heap-growth.ts');

// A percent V8's own heuristics would not land on by chance in both collections, so that the
// factors it reports prove the flag took effect. (What V8 picks by itself depends on how busy the
// machine is: on a loaded one it may pick 4x too, so the policy's own 300 proves nothing here.)
const DISTINCT_PERCENT = 170;

/** Collects after idle pauses, as a broker does, with the growth policy applied at `percent` (or not at all). */
function collectAfterPauses(percent: number | undefined): string {
  return `
${percent !== undefined ? `const { applyHeapGrowth } = await import(${JSON.stringify(policyModule)});\napplyHeapGrowth(process.execArgv, ${percent});` : ''}
const kept = [];
for (let round = 0; round < 3; round++) {
  for (let i = 0; i < 100000; i++) kept.push({ i });
  await new Promise((resolve) => setTimeout(resolve, 300));
  globalThis.gc();
}
`;
}

/** The factors V8 reported for the new old-generation limits after the first full collection. */
async function limitFactors(percent: number | undefined, nodeFlags: string[] = []): Promise<number[]> {
  const args = ['--import', 'tsx', '--expose-gc', '--trace-gc-verbose', ...nodeFlags, '--input-type=module', '-e', collectAfterPauses(percent)];
  const { stdout } = await run(process.execPath, args);
  const factors = [...stdout.matchAll(/\[HeapController\] Limit: .*\(([\d.]+)\)/g)].map((m) => Number(m[1]));
  expect(factors.length).toBe(3);
  return factors.slice(1);
}

describe('heap growth', () => {
  it('sets the growing factor unless the node command line chose one', () => {
    expect(heapGrowthFlag([])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(heapGrowthFlag(['--enable-source-maps'])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(heapGrowthFlag(['--heap-growing-percent=50'])).toBeUndefined();
    expect(heapGrowthFlag(['--heap_growing_percent=50'])).toBeUndefined();
    expect(heapGrowthFlag(['--heap-growing-percent-x=50'])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  });

  it('makes V8 grow the old generation by the chosen factor at every full collection', async () => {
    for (const factor of await limitFactors(DISTINCT_PERCENT)) expect(factor).toBeCloseTo(1 + DISTINCT_PERCENT / 100, 2);
  });

  it('leaves a factor given to node alone', async () => {
    for (const factor of await limitFactors(DISTINCT_PERCENT, ['--heap-growing-percent=150'])) expect(factor).toBeCloseTo(2.5, 2);
  });
});
