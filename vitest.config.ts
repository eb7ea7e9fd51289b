import { configDefaults, defineConfig } from 'vitest/config';

// Two projects. Unit tests (codecs, storage on a temp dir, the simulations, the checkers, handlers
// against an in-process broker on a free port) share nothing and run first, two files at a time.
// The integration tests start real JVMs, broker-ts processes, toxiproxy and containers, whose
// timing the fault windows depend on, and two cores cannot run two Kafka clusters at once: they
// run one file at a time, after the unit tests (a file may run lighter things side by side, as
// the mutants' test runs each experiment with and without its bug). A new test file is an
// integration test unless its folder is listed here.
const UNIT = [
  'broker-ts/{config,coordinator,errors,group,handlers,metadata,protocol,raft,replication,security,txn}/**/*.test.ts',
  // All but power-loss (a child process killed mid-write) and heap-growth (GC traces of a child).
  'broker-ts/storage/!(power-loss).test.ts',
  'broker-ts/server/!(heap-growth).test.ts',
  'harness/{checker,experiment,history,nightly,report,provision}/**/*.test.ts',
  'harness/compat/{catalogue,kafkajs-versions,matrix}.test.ts',
  'harness/clients/read-committed.test.ts',
  'harness/workload/message.test.ts',
  'harness/compare/differences.test.ts',
  'harness/canary/message-changes.test.ts',
  'harness/runtime/process/cluster-id.test.ts',
  'harness/wait.test.ts',
  '*.test.ts',
];
const shared = { testTimeout: 120_000, hookTimeout: 300_000 };

export default defineConfig({
  test: {
    reporters: ['default'],
    // Vitest's default on two cores is one worker; the unit tests take both.
    maxWorkers: 2,
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: UNIT,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'integration',
          include: ['harness/**/*.test.ts', 'broker-ts/**/*.test.ts', 'experiments/**/*.test.ts', 'compose/**/*.test.ts', '*.test.ts'],
          exclude: [...configDefaults.exclude, ...UNIT],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
