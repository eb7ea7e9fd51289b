import { columnKey } from './comparison.js';
import type { RunResult } from './result.js';

const xml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** JUnit XML: one test suite per broker, one test case per experiment, for CI dashboards. */
export function junitXml(name: string, results: RunResult[]): string {
  const suites = new Map<string, RunResult[]>();
  for (const r of results) suites.set(columnKey(r), [...(suites.get(columnKey(r)) ?? []), r]);
  const body = [...suites].map(([suite, rs]) => {
    const failures = rs.filter((r) => r.verdict === 'fail').length;
    const errors = rs.filter((r) => r.verdict === 'error').length;
    const skipped = rs.filter((r) => r.verdict === 'not-applicable').length;
    const time = rs.reduce((t, r) => t + (r.timings.totalMs ?? 0), 0) / 1000;
    const cases = rs.map((r) => {
      const head = `    <testcase classname="${xml(`kafka-chaos.${suite}`)}" name="${xml(r.experiment)}" time="${((r.timings.totalMs ?? 0) / 1000).toFixed(3)}">`;
      const counts = `lost=${r.counts.lost} acknowledged=${r.counts.acknowledged} duplicated=${r.counts.duplicated} indeterminate=${r.counts.indeterminate}`;
      let inner = `\n      <system-out>${xml(`${counts}\n${r.reason}`)}</system-out>`;
      if (r.verdict === 'fail') inner = `\n      <failure message="${xml(r.reason.split('\n')[0]!)}">${xml(`${r.reason}\n${counts}`)}</failure>${inner}`;
      if (r.verdict === 'error') inner = `\n      <error message="${xml(r.reason.split('\n')[0]!)}">${xml(r.reason)}</error>${inner}`;
      if (r.verdict === 'not-applicable') inner = `\n      <skipped message="${xml(r.reason)}"/>`;
      return `${head}${inner}\n    </testcase>`;
    });
    return `  <testsuite name="${xml(suite)}" tests="${rs.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time.toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(name)}">\n${body.join('\n')}\n</testsuites>\n`;
}
