// The Java consumer-group member (java/ConsumerMember.java), compiled once per Kafka client release
// and source version with the JDK's javac against the pinned kafka-clients jar, and cached: an
// experiment can then run its group with Kafka's own Java client, classic or KIP-848 protocol.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HarnessError } from '../errors.js';
import { cacheDir } from '../provision/cache.js';
import { provisionKafka } from '../provision/kafka.js';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'java', 'ConsumerMember.java');
export const JAVA_MEMBER_CLASS = 'ConsumerMember';
/** Its client log goes to stderr (the member's log file): warnings, and the consumer's membership at INFO. */
export const JAVA_MEMBER_LOG_CONFIG = join(dirname(SOURCE), 'log4j2.properties');

export interface JavaMember {
  /** The Kafka release whose kafka-clients the member runs. */
  clientVersion: string;
  classpath: string;
}

let building: Promise<JavaMember> | undefined;

/** Builds the member if this client release and source have not been built yet. */
export function javaMember(): Promise<JavaMember> {
  building ??= build().catch((error: unknown) => {
    building = undefined;
    throw error;
  });
  return building;
}

async function build(): Promise<JavaMember> {
  // The harness's pinned Kafka release: the client does not follow the cluster's broker version.
  const install = await provisionKafka();
  const source = readFileSync(SOURCE);
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const dir = cacheDir('java-member', `${install.version}-${digest}`);
  const classpath = `${dir}:${install.libs}/*`;
  if (existsSync(join(dir, `${JAVA_MEMBER_CLASS}.class`))) return { clientVersion: install.version, classpath };
  mkdirSync(dirname(dir), { recursive: true });
  const staging = mkdtempSync(`${dir}.building-`);
  try {
    await promisify(execFile)('javac', ['-nowarn', '-d', staging, '-cp', `${install.libs}/*`, SOURCE]);
    // Another process may have finished the same build meanwhile: either copy will do.
    if (!existsSync(dir)) renameSync(staging, dir);
  } catch (error) {
    throw new HarnessError(`could not build the Java consumer member with javac (a JDK 17+ is needed): ${(error as Error).message}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { clientVersion: install.version, classpath };
}
