// Child process of the power-loss tests: appends some batches, flushes, appends more without a
// flush, reports what it holds and waits to be killed.
//   node --import tsx append-then-wait.ts <dir> <json plan>
import { PartitionLog } from '../partition-log.js';
import type { LogConfig } from '../log-config.js';
import { buildBatch, decodeRecords } from './record-batches.js';

interface Plan {
  config: Partial<LogConfig>;
  flushedBatches: number;
  unflushedBatches: number;
}

const [dir, planJson] = process.argv.slice(2);
if (dir === undefined || planJson === undefined) throw new Error('usage: append-then-wait.ts <dir> <plan>');
const plan = JSON.parse(planJson) as Plan;
const log = await PartitionLog.open(dir, { config: plan.config });

let batch = 0;
async function append(): Promise<void> {
  const records = [0, 1].map((r) => ({ value: `b${batch}-r${r}` }));
  batch += 1;
  // Acknowledged only once the flush policy is satisfied, as the broker will do.
  await log.appendAsLeader(buildBatch({ records }), 0).flushed;
}

for (let i = 0; i < plan.flushedBatches; i++) await append();
await log.flush();
for (let i = 0; i < plan.unflushedBatches; i++) await append();

const readable = decodeRecords(log.read(0n, 1 << 20)).length;
process.stdout.write(
  JSON.stringify({
    logEndOffset: String(log.logEndOffset),
    recoveryPoint: String(log.recoveryPoint),
    lastSegmentBase: String(log.segmentBaseOffsets().at(-1)),
    readable,
  }) + '\n',
);
setInterval(() => undefined, 1 << 30);
