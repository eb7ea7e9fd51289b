// The repository's import structure, as README's "Repository" section states it: no import cycle
// anywhere (type imports count: they tie the modules' designs together as much as values do); the
// harness reaches broker-ts only through the protocol package, by its name; the protocol package
// stands alone.
import { parseCircular, parseDependencyTree, type DependencyTree } from 'dpdm';
import { beforeAll, describe, expect, it } from 'vitest';

let tree: DependencyTree;

beforeAll(async () => {
  tree = await parseDependencyTree(['harness/**/*.ts', 'broker-ts/**/*.ts', 'experiments/**/*.ts', 'compose/**/*.ts', 'bin/*.js', '*.ts'], {
    context: process.cwd(),
    transform: false,
    skipDynamicImports: false,
    exclude: /node_modules/,
    tsconfig: 'tsconfig.json',
  });
});

/** Every import whose target is a file of this repository, as [importer, imported, what it wrote]. */
function edges(): [string, string, string][] {
  return Object.entries(tree).flatMap(([from, deps]) =>
    (deps ?? [])
      .filter((d) => d.id !== null && !d.id.startsWith('node:') && !d.id.includes('node_modules'))
      .map((d): [string, string, string] => [from, d.id!, d.request]),
  );
}

describe('the import structure', () => {
  it('is read whole: relative imports resolve, type imports and workspace packages included', () => {
    expect(Object.keys(tree).length).toBeGreaterThan(700);
    const unresolved = Object.entries(tree).flatMap(([from, deps]) =>
      (deps ?? []).filter((d) => d.id === null && d.request.startsWith('.')).map((d) => `${from} -> ${d.request}`),
    );
    expect(unresolved).toEqual([]);
    const all = edges();
    // A type-only import, and an import of the protocol package by name, are both seen.
    expect(all).toContainEqual(['harness/nemesis/fault.ts', 'harness/workload/workload.ts', '../workload/workload.js']);
    expect(all).toContainEqual(['harness/nemesis/fault.ts', 'broker-ts/protocol/util/seeded-random.ts', '@kafka-chaos/protocol/seeded-random']);
  });

  it('has no cycle', () => {
    expect(parseCircular(tree, false).map((cycle) => cycle.join(' -> '))).toEqual([]);
  });

  it('lets the harness reach broker-ts only through @kafka-chaos/protocol', () => {
    const intoBroker = edges().filter(
      ([from, to, request]) => from.startsWith('harness/') && to.startsWith('broker-ts/') && !request.startsWith('@kafka-chaos/protocol'),
    );
    expect(intoBroker).toEqual([]);
  });

  it('keeps the protocol package self-contained', () => {
    const outward = edges().filter(([from, to]) => from.startsWith('broker-ts/protocol/') && !to.startsWith('broker-ts/protocol/'));
    expect(outward).toEqual([]);
  });
});
