import { spawnSync } from 'node:child_process';
import { HarnessError } from '../errors.js';

interface ToolInfo {
  versionArgs: string[];
  howToGet: string;
}

const TOOLS = {
  java: {
    versionArgs: ['-version'],
    howToGet: 'install a JDK 17 or newer (Debian: apt-get install openjdk-17-jdk-headless) or put it on PATH',
  },
  jar: {
    versionArgs: ['--version'],
    howToGet: 'install a JDK 17 or newer, whose bin/ has jar (Debian: apt-get install openjdk-17-jdk-headless)',
  },
  mvn: {
    versionArgs: ['-v'],
    howToGet: 'install Maven (Debian: apt-get install maven), or set KAFKA_HOME to an existing Kafka installation',
  },
  openssl: {
    versionArgs: ['version'],
    howToGet: 'install OpenSSL (Debian: apt-get install openssl)',
  },
  go: {
    versionArgs: ['version'],
    howToGet:
      'install Go 1.23 or newer (Debian bookworm-backports: golang-1.23, or https://go.dev/dl); for toxiproxy alone, setting TOXIPROXY_BIN to an existing toxiproxy-server binary also does',
  },
} satisfies Record<string, ToolInfo>;

/** Fails with a message naming the missing tool and how to provide it, never a stack trace. */
export function requireTool(name: keyof typeof TOOLS, neededFor: string): void {
  const info: ToolInfo = TOOLS[name];
  const probe = spawnSync(name, info.versionArgs, { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new HarnessError(`${name} is needed to ${neededFor} but was not found on PATH: ${info.howToGet}.`);
  }
}
