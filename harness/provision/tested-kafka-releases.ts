// The Kafka releases this project is tested against: what the tests, the README's main command and
// the default of every command run. A new release enters only through a commit that changes these
// lines and runs the broker comparison (harness/compare) against it; until then `kafka-chaos canary`
// (and nightly) report how the newest published release differs, without failing anything.

/** Every tested release, one per line the nightly covers, oldest first. */
export const TESTED_KAFKA_RELEASES = ['3.9.2', '4.4.0'] as const;

/** What a command runs when no --kafka-version is given. */
export const DEFAULT_KAFKA_RELEASE: (typeof TESTED_KAFKA_RELEASES)[number] = '4.4.0';
