import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium, which .ci/run installs; tests that need it skip with this reason without it. */
export const CHROMIUM = process.env.KAFKA_CHAOS_CHROMIUM ?? '/usr/bin/chromium';
export const NO_CHROMIUM = existsSync(CHROMIUM) ? undefined : `no chromium at ${CHROMIUM} (apt-get install chromium, or set KAFKA_CHAOS_CHROMIUM)`;

/** Headless, with the flags that keep it from reaching for the network. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
