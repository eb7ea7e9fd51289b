// broker-ts nodes run from one bundled file rather than through tsx: Node loads a single module in
// a fraction of the time tsx takes to transpile the broker's few hundred, which was most of a
// three-node cluster's start-up on two cores. The bundle is keyed by a hash of the sources, so an
// edit rebuilds it, and lives under node_modules so that the packages it imports resolve.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { REPO_ROOT } from '../supervisor.js';

const SOURCE_DIR = join(REPO_ROOT, 'broker-ts');
const ENTRY = join(SOURCE_DIR, 'main.ts');
const BUNDLE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'kafka-chaos', 'broker-ts');

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) files.push(path);
  }
  return files.sort();
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of sourceFiles(SOURCE_DIR)) hash.update(relative(SOURCE_DIR, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

// A promise, so that clusters starting at once in one harness (a parallel nightly) share one build.
let built: { hash: string; file: Promise<string> } | undefined;

/** The path of an up-to-date bundle of broker-ts/main.ts, built if needed. */
export async function brokerTsBundle(): Promise<string> {
  const hash = sourceHash();
  if (built?.hash !== hash) {
    const file = buildBundle(hash);
    built = { hash, file };
    file.catch(() => {
      if (built?.file === file) built = undefined;
    });
  }
  return built.file;
}

async function buildBundle(hash: string): Promise<string> {
  const file = join(BUNDLE_DIR, `main-${hash}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(BUNDLE_DIR, { recursive: true });
    // Written aside and renamed: another harness building the same bundle never sees half a file.
    const partial = `${file}.${process.pid}.partial`;
    try {
      await build({
        entryPoints: [ENTRY],
        outfile: partial,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        plugins: [externalPackagesButOurs],
        sourcemap: 'inline',
        logLevel: 'silent',
      });
      renameSync(partial, file);
    } finally {
      rmSync(partial, { force: true });
    }
    removeStaleBundles(file);
  }
  return file;
}

/**
 * npm packages stay imports of the bundle (they resolve from node_modules), except this project's
 * own workspace packages (the protocol), which are TypeScript sources and are bundled in.
 */
const externalPackagesButOurs: Plugin = {
  name: 'external-packages-but-ours',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@kafka-chaos/') ? undefined : { path: args.path, external: true }));
  },
};

/** Bundles of other sources, once no harness can still be restarting nodes from them. */
function removeStaleBundles(current: string): void {
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const name of readdirSync(BUNDLE_DIR)) {
    const path = join(BUNDLE_DIR, name);
    if (path !== current && name.startsWith('main-') && statSync(path).mtimeMs < dayAgo) rmSync(path, { force: true });
  }
}
