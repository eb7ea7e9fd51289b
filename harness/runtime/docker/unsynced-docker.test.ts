// The unsynced filesystem on the docker runtime: it runs on the host, over the data dirs the node
// containers bind-mount, and each container sees the mount that is there when it starts (a power
// cut mounts it again while the node is down). The same experiment as on the process runtime must
// reach the same verdict, with every loss traced to the leader's dropped bytes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findExperiment } from '../../experiment/load.js';
import { runExperiment } from '../../experiment/runner.js';
import { mounts } from '../mounts.js';
import { UNSYNCED_FS_SOURCE_NAME } from '../unsynced-disk.js';
import { dockerSuiteName, noDockerReason, testImageSource } from './test-support.js';

const out = mkdtempSync(join(tmpdir(), 'kafka-chaos-unsynced-docker-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.skipIf(noDockerReason !== undefined)(dockerSuiteName('power loss on the docker runtime'), () => {
  for (const broker of ['broker-ts', 'kafka'] as const) {
    it(`power-loss-unflushed on ${broker}: the only replica's container loses what its process had not fsynced`, async () => {
      const r = await runExperiment(findExperiment('power-loss-unflushed'), broker, {
        runId: 'unsynced-docker-test',
        runDir: join(out, broker),
        seed: 7,
        runtime: 'docker',
        images: testImageSource(),
      });
      expect(r.verdict, r.reason).toBe('pass');
      expect(r.runtime).toBe('docker');
      expect(r.counts.lost).toBeGreaterThan(0);
      const cut = r.faults.find((f) => f.fault === 'power-loss')!;
      expect(cut.evidence!.join('\n')).toMatch(
        /power cut by the unsynced filesystem: [\d,]+ bytes not fsynced dropped, [1-9][\d,]* bytes of them in segment \(\.log\) files/,
      );
      for (const m of r.lost) expect(m.droppedByPowerCut, m.explanation).toEqual(cut.nodes);
      // Nothing stays mounted once the cluster is closed.
      expect(mounts().filter((m) => m.source === UNSYNCED_FS_SOURCE_NAME)).toEqual([]);
    }, 300_000);
  }
});
