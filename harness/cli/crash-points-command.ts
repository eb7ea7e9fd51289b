import { resolve } from 'node:path';
import { runCrashPoints, type CrashPointReport, type CrashPointResult } from '../crash-points/crash-points.js';
import { HarnessError } from '../errors.js';
import { newRunId } from './run-command.js';

export interface CrashPointsCommandOptions {
  points: number;
  seed: number;
  loadMs: number;
  /** broker-ts settings `key=value` (a broker.ts.bug.* mutant, or a flush policy to compare). */
  settings: string[];
  out: string;
}

function settingsOf(pairs: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new HarnessError(`--set: expected key=value (a broker-ts setting), got "${pair}"`);
      return [pair.slice(0, eq), pair.slice(eq + 1)];
    }),
  );
}

/** What went wrong at one crash point, in a line. */
function problemOf(r: CrashPointResult): string {
  if (!r.recovered) return `recovery failed: ${r.recoveryError?.split('\n')[0]}`;
  const lost = [
    r.lostTopics.length > 0 ? `${r.lostTopics.length} topics lost` : '',
    r.lostMessages.length > 0 ? `${r.lostMessages.length} messages lost (${r.lostMessages.slice(0, 3).join(', ')})` : '',
    r.changedMessages.length > 0 ? `${r.changedMessages.length} messages changed` : '',
    r.lostCommits.length > 0 ? `commits went back (${r.lostCommits.join('; ')})` : '',
    r.readError ?? '',
    r.writable ? '' : (r.writeError ?? 'not writable'),
  ].filter((p) => p !== '');
  return lost.join('; ');
}

export function crashPointsSummary(report: CrashPointReport): string {
  const lines = [
    `trace: ${report.trace.ops} ops (${report.trace.writes} writes, ${report.trace.fsyncs} fsyncs, ${report.trace.bytesWritten} bytes written)`,
    `acknowledged while traced: ${report.load.messages} messages, ${report.load.topics} topics, ${report.load.commits} offset commits`,
    '',
    '| ops | write cut | disk | required (messages / topics / commits) | result |',
    '|---|---|---|---|---|',
    ...report.results.map(
      (r) =>
        `| ${r.ops} | ${r.cutIn} | ${r.image}${r.torn ? ` (${r.torn.path}: ${r.torn.kept} of ${r.torn.of} bytes at ${r.torn.off})` : ''} | ${r.requiredMessages} / ${r.requiredTopics} / ${r.requiredCommits} | ${r.passed ? 'kept everything' : `FAIL: ${problemOf(r)}`} |`,
    ),
    '',
    `${report.tried} disks tried at ${report.tried / 2} crash points: ${report.failed === 0 ? 'every one recovered and kept everything acknowledged' : `${report.failed} FAILED`}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `kafka-chaos crash-points`: exits 0 when broker-ts recovered every disk with everything acknowledged, 1 otherwise. */
export async function crashPointsCommand(options: CrashPointsCommandOptions): Promise<number> {
  if (options.points < 1) throw new HarnessError(`--points: expected at least 1, got ${options.points}`);
  const outDir = resolve(options.out, `crash-points-${newRunId()}`);
  const report = await runCrashPoints({
    points: options.points,
    seed: options.seed,
    loadMs: options.loadMs,
    brokerConfig: settingsOf(options.settings),
    outDir,
  });
  process.stdout.write(crashPointsSummary(report));
  process.stdout.write(`report: ${resolve(outDir, 'crash-points.json')}\n`);
  return report.failed === 0 ? 0 : 1;
}
