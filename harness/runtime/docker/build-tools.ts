import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { HarnessError } from '../../errors.js';

/**
 * Image builds go through the docker CLI: it reads .dockerignore, streams contexts and reports
 * build errors the way people know from running it by hand. Containers themselves are driven
 * through the API (testcontainers and dockerode) and need no CLI.
 */
export function requireDockerCli(): void {
  const probe = spawnSync('docker', ['--version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new HarnessError('the docker CLI is needed to build images but was not found on PATH: install it (Debian: apt-get install docker.io)');
  }
}

export interface RunLoggedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** The whole output goes here; an error shows its last lines. */
  logFile: string;
}

/** Runs a build step to completion; fails with the tail of its output. */
export function runLogged(command: string, args: string[], options: RunLoggedOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => reject(new HarnessError(`${command}: ${err.message}`)));
    child.on('exit', (code) => {
      mkdirSync(dirname(options.logFile), { recursive: true });
      writeFileSync(options.logFile, output);
      if (code === 0) return resolve(output);
      const tail = output.trimEnd().split('\n').slice(-20).join('\n');
      reject(new HarnessError(`${command} ${args.slice(0, 2).join(' ')} failed (exit ${code}); full output in ${options.logFile}:\n${tail}`));
    });
  });
}

export function dockerCli(args: string[], options: RunLoggedOptions): Promise<string> {
  // The classic builder: BuildKit's client (buildx) is a plugin that many installations lack.
  return runLogged('docker', args, { ...options, env: { ...process.env, DOCKER_BUILDKIT: '0', ...options.env } });
}
