import { describe, expect, it } from 'vitest';
import { matrixMarkdown, matrixRows, matrixText } from './matrix.js';
import type { ScenarioResult } from './run-scenario.js';
import { compatExitCode, type CompatReport } from './runner.js';

function result(scenario: string, broker: string, kafkajs: string, verdict: ScenarioResult['verdict'], reason = 'checked'): ScenarioResult {
  return { scenario, title: `${scenario} title`, broker, brokerVersion: broker === 'kafka' ? '4.3.1' : '0.1.0', kafkajs, verdict, reason, durationMs: 10 };
}

function report(results: ScenarioResult[], brokerError?: string): CompatReport {
  return {
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 42_000,
    nodes: 3,
    runtime: 'process',
    brokerConfig: {},
    kafkajs: ['1.16.0', '2.2.4'],
    scenarios: [
      { name: 'produce-acks', title: 'produce-acks title' },
      { name: 'produce-repeated-header-keys', title: 'produce-repeated-header-keys title' },
    ],
    brokers: [
      { broker: 'kafka', brokerVersion: '4.3.1', nodes: 3, startupMs: 8000, logs: '/logs/kafka' },
      brokerError
        ? { broker: 'broker-ts', nodes: 3, error: brokerError, logs: '/logs/broker-ts' }
        : { broker: 'broker-ts', brokerVersion: '0.1.0', nodes: 3, startupMs: 900, logs: '/logs/broker-ts' },
    ],
    results,
  };
}

const agreeing = [
  ...['kafka', 'broker-ts'].flatMap((b) => [
    result('produce-acks', b, '1.16.0', 'pass'),
    result('produce-acks', b, '2.2.4', 'pass'),
    result('produce-repeated-header-keys', b, '1.16.0', 'skipped', 'needs kafkajs 2.0.0 or newer (this is 1.16.0)'),
    result('produce-repeated-header-keys', b, '2.2.4', 'pass'),
  ]),
];

describe('compat matrix', () => {
  it('has a column per broker and kafkajs release and says whether the brokers agree', () => {
    const { columns, rows } = matrixRows(report(agreeing));
    expect(columns).toEqual([
      'kafka 4.3.1 / kafkajs 1.16.0',
      'broker-ts 0.1.0 / kafkajs 1.16.0',
      'kafka 4.3.1 / kafkajs 2.2.4',
      'broker-ts 0.1.0 / kafkajs 2.2.4',
    ]);
    expect(rows).toEqual([
      { scenario: 'produce-acks', title: 'produce-acks title', cells: ['PASS', 'PASS', 'PASS', 'PASS'], agree: true },
      { scenario: 'produce-repeated-header-keys', title: 'produce-repeated-header-keys title', cells: ['SKIP', 'SKIP', 'PASS', 'PASS'], agree: true },
    ]);
    expect(compatExitCode(report(agreeing))).toBe(0);
  });

  it('shows a failure in its cell, marks the disagreement and gives the reason', () => {
    const results = agreeing.map((r) =>
      r.scenario === 'produce-acks' && r.broker === 'broker-ts' && r.kafkajs === '2.2.4'
        ? { ...r, verdict: 'fail' as const, reason: 'acks=all: records read back: expected ["a"], got []' }
        : r,
    );
    const text = matrixText(report(results));
    expect(text).toMatch(
      /^kafkajs compatibility: kafka 4\.3\.1, broker-ts 0\.1\.0 · kafkajs 1\.16\.0, 2\.2\.4 · 3 node\(s\) · 5 pass, 1 fail, 2 skipped · 42 s/,
    );
    expect(text).toMatch(/\nproduce-acks +PASS +PASS +PASS +FAIL +NO\n/);
    expect(text).toContain('- produce-acks on broker-ts 0.1.0 / kafkajs 2.2.4: FAIL: acks=all: records read back: expected ["a"], got []');
    expect(text).toContain('- produce-repeated-header-keys on kafka 4.3.1 / kafkajs 1.16.0: skipped: needs kafkajs 2.0.0 or newer (this is 1.16.0)');
    const markdown = matrixMarkdown(report(results));
    expect(markdown).toContain('| `produce-acks` | produce-acks title | PASS | PASS | PASS | FAIL | **NO** |');
    expect(compatExitCode(report(results))).toBe(1);
  });

  it('marks every cell of a broker that did not start as ERROR, and that is a harness failure', () => {
    const kafkaOnly = agreeing.filter((r) => r.broker === 'kafka');
    const r = report(kafkaOnly, 'the broker-ts cluster did not start: node 1 exited during start-up');
    const { rows } = matrixRows(r);
    expect(rows[0]!.cells).toEqual(['PASS', 'ERROR', 'PASS', 'ERROR']);
    expect(matrixText(r)).toContain('- broker-ts: ERROR: the broker-ts cluster did not start: node 1 exited during start-up');
    expect(compatExitCode(r)).toBe(2);
  });
});
