import { log } from '../log.js';
import { supervisor } from '../runtime/supervisor.js';

type Hook = () => Promise<void>;
const hooks = new Set<Hook>();
let installed = false;
let interrupted = false;

/**
 * Ctrl-C or SIGTERM: run the cleanup hooks (close clusters), stop every child, exit. A second
 * signal skips the hooks and kills the children at once.
 */
export function onInterrupt(hook: Hook): () => void {
  install();
  hooks.add(hook);
  return () => hooks.delete(hook);
}

export function install(): void {
  if (installed) return;
  installed = true;
  const handler = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (interrupted) {
      void supervisor()
        .shutdown()
        .finally(() => process.exit(code));
      return;
    }
    interrupted = true;
    log.warn({ signal }, 'interrupted: cleaning up (send again to force)');
    void (async () => {
      for (const hook of hooks) await hook().catch(() => {});
      await supervisor().shutdown();
      process.exit(code);
    })();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  process.on('SIGHUP', handler);
}

export function wasInterrupted(): boolean {
  return interrupted;
}
