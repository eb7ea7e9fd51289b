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

/**
 * Collects after idle pauses, as a broker does: little JavaScript allocation per millisecond, so
 * V8 on its own picks a small factor after the first collection.
 */
function collectAfterPauses(applyPolicy: boolean): string {
  return `
${applyPolicy ? `const { applyHeapGrowth } = await import(${JSON.stringify(policyModule)});\napplyHeapGrowth();` : ''}
const kept = [];
for (let round = 0; round < 3; round++) {
  for (let i = 0; i < 100000; i++) kept.push({ i });
  await new Promise((resolve) => setTimeout(resolve, 300));
  globalThis.gc();
}
`;
}

/** The factors V8 reported for the new old-generation limits after the first full collection. */
async function limitFactors(applyPolicy: boolean, nodeFlags: string[] = []): Promise<number[]> {
  const args = ['--import', 'tsx', '--expose-gc', '--trace-gc-verbose', ...nodeFlags, '--input-type=module', '-e', collectAfterPauses(applyPolicy)];
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

  it('makes V8 grow the old generation by the chosen factor, where it would pick less on its own', async () => {
    const [own, chosen] = await Promise.all([limitFactors(false), limitFactors(true)]);
    expect(Math.min(...own)).toBeLessThan(1 + HEAP_GROWING_PERCENT / 100);
    for (const factor of chosen) expect(factor).toBeCloseTo(1 + HEAP_GROWING_PERCENT / 100, 1);
  });

  it('leaves a factor given to node alone', async () => {
    for (const factor of await limitFactors(true, ['--heap-growing-percent=150'])) expect(factor).toBeCloseTo(2.5, 1);
  });
});
