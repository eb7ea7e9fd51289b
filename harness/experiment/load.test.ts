import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.js';
import { experimentFiles, findExperiment, listExperiments, loadExperimentFile } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'kafka-chaos-experiments-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VALID = `
name: NAME
description: a test experiment
cluster:
  nodes: 3
  broker:
    min.insync.replicas: 2
topic:
  partitions: 2
producer:
  acks: all
workload:
  duration: 10s
faults:
  - at: 2s
    fault: cut
    target: leader
    name: victim
    listeners: [replication]
    duration: 3s
  - at: 4s
    fault: kill
    target: "@victim"
expect:
  lost: 0
  acknowledged: ">=10"
`;

function write(name: string, body: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, body.replace('name: NAME', `name: ${name}`));
  return file;
}

function errorOf(file: string): string {
  try {
    loadExperimentFile(file);
  } catch (err) {
    expect(err).toBeInstanceOf(HarnessError);
    return (err as Error).message;
  }
  throw new Error(`${file} was accepted`);
}

describe('experiment files', () => {
  it('every experiment in experiments/ is valid and listed', () => {
    const all = listExperiments();
    expect(all.length).toBe(experimentFiles().length);
    expect(all.map((e) => e.name)).toEqual(expect.arrayContaining(['acks1-leader-kill', 'acksall-leader-kill']));
  });

  it('parses durations, acks and fault parameters into their runtime form', () => {
    const e = loadExperimentFile(write('good', VALID));
    expect(e.producers).toEqual([expect.objectContaining({ name: 'producer', process: 'harness', acks: -1 })]);
    expect(e.workload.duration).toBe(10_000);
    expect(e.cluster.broker['min.insync.replicas']).toBe('2');
    expect(e.faults[0]).toEqual({
      fault: 'cut',
      at: 2000,
      target: 'leader',
      partition: 0,
      duration: 3000,
      name: 'victim',
      params: { listeners: ['replication'] },
    });
    expect(e.faults[1]).toMatchObject({ fault: 'kill', target: '@victim', params: {} });
    expect(e.expect).toEqual({ lost: '0', acknowledged: '>=10' });
  });

  it('names the file, the field and what was expected', () => {
    const cases: [string, string, RegExp][] = [
      ['bad-acks', VALID.replace('acks: all', 'acks: 2'), /producer\.acks: expected 0, 1, -1 or all/],
      ['bad-target', VALID.replace('target: leader', 'target: leadr'), /faults\[0\]\.target: expected leader, followers/],
      ['bad-fault', VALID.replace('fault: kill', 'fault: explode'), /faults\[1\]\.fault: expected one of kill, pause.*found "explode"/],
      ['bad-duration', VALID.replace('duration: 10s', 'duration: ten seconds'), /workload\.duration: expected a duration/],
      [
        'unknown-field',
        VALID.replace('  partitions: 2', '  partitions: 2\n  partitionz: 3'),
        /topic: unknown field\(s\) "partitionz"; expected one of name, partitions, replicationFactor, config/,
      ],
      ['bad-fault-param', VALID.replace('listeners: [replication]', 'listeners: [replicaton]'), /faults\[0\]\.listeners\[0\]/],
      [
        'extra-fault-param',
        VALID.replace('    target: "@victim"', '    target: "@victim"\n    signal: 9'),
        /faults\[1\]: unknown field\(s\) "signal" for fault "kill"/,
      ],
      ['bad-expect', VALID.replace('lost: 0', 'lost: "lots"'), /expect\.lost: expected a condition/],
      [
        'unknown-measure',
        VALID.replace('lost: 0', 'lossage: 0'),
        /expect\.lossage: invalid name: expected a measure \(attempted, acknowledged, .*\), optionally followed by @<producer name>/,
      ],
      [
        'two-producer-forms',
        VALID.replace('producer:\n  acks: all', 'producer:\n  acks: all\nproducers:\n  - { acks: 1 }'),
        /producer: expected exactly one of producer \(one producer\) or producers \(a list\)/,
      ],
      ['missing-target', VALID.replace('    target: "@victim"\n', ''), /faults\[1\]\.target: expected a target for fault "kill"/],
      [
        'kill-producer-in-process',
        VALID.replace('    fault: kill\n    target: "@victim"', '    fault: kill-producer\n    producer: producer'),
        /faults\[1\]\.producer: "producer" must be declared with process: child/,
      ],
      [
        'kill-producer-target',
        VALID.replace('    fault: kill\n    target: "@victim"', '    fault: kill-producer\n    producer: producer\n    target: leader'),
        /faults\[1\]\.target: fault "kill-producer" hits no node: remove target/,
      ],
      [
        'mix-no-quiet',
        VALID.replace('    fault: kill\n    target: "@victim"', '    fault: mix\n    target: all\n    every: 2s\n    faultFor: 3s'),
        /faults\[1\]\.faultFor: expected less than every/,
      ],
      [
        'kill-consumer-without-group',
        VALID.replace('    fault: kill\n    target: "@victim"', '    fault: kill-consumer\n    member: member-1'),
        /faults\[1\]\.fault kill-consumer needs a consumers section/,
      ],
      ['unknown-producer', VALID.replace('lost: 0', 'lost@nobody: 0'), /expect\.lost@nobody: expected a producer name after @ \(producer\)/],
      ['missing-workload', VALID.replace('workload:\n  duration: 10s\n', ''), /workload: /],
      ['dangling-ref', VALID.replace('    name: victim\n', ''), /faults\[1\]\.target: "@victim" refers to no earlier step/],
      ['late-fault', VALID.replace('at: 4s', 'at: 40s'), /faults\[1\]\.at: 40000 ms is after the workload ends/],
      ['anomaly-without-reason', VALID.replace('lost: 0', 'lost: ">0"'), /expect\.lost: ">0" lets lost happen: say why under allow\.lost/],
      ['short-reason', `${VALID.replace('lost: 0', 'lost: ">0"')}allow:\n  lost: because\n`, /allow\.lost: expected the reason this anomaly is allowed/],
      [
        'unknown-anomaly',
        `${VALID}allow:\n  vanished: because it is a test of the loader\n`,
        /allow\.vanished: invalid name: expected an anomaly class \(lost, lostWrites/,
      ],
      [
        'group-measure-without-group',
        VALID.replace('lost: 0', 'processedLost: 0'),
        /expect\.processedLost: processedLost is measured on the experiment's consumer group \(consumers:\), which it does not have/,
      ],
      [
        'pipeline-anomaly-without-pipeline',
        `${VALID}allow:\n  abortedReads: because it is a test of the loader\n`,
        /allow\.abortedReads: abortedReads is found in the experiment's pipeline \(pipeline:\), which it does not have/,
      ],
      [
        'quorum-measure-without-metadata',
        VALID.replace('lost: 0', 'lostTopics: 0'),
        /expect\.lostTopics: lostTopics is measured on the experiment's metadata workload \(metadata:\), which it does not have/,
      ],
      ['window-of-no-step', VALID.replace('lost: 0', 'acknowledged during nothing: ">0"'), /"nothing" names no fault step/],
      [
        'after-without-heal',
        VALID.replace('    target: "@victim"\n', '    target: "@victim"\n    name: killed\n').replace('lost: 0', 'acknowledged after killed: ">0"'),
        /step "killed" has no duration, so it is healed only when the workload ends/,
      ],
      [
        'window-of-a-count',
        VALID.replace('lost: 0', 'lost during victim: 0'),
        /only attempted, acknowledged, failed, indeterminate, notAcknowledged, inFlight, topicsCreated can be counted during a fault step/,
      ],
      ['in-flight-without-window', VALID.replace('lost: 0', 'inFlight: ">0"'), /inFlight counts sends outstanding during a fault step/],
    ];
    for (const [name, body, pattern] of cases) {
      const file = write(name, body);
      const message = errorOf(file);
      expect(message, name).toContain(file);
      expect(message, name).toMatch(pattern);
    }
  });

  it('requires the name to match the file name', () => {
    const file = join(dir, 'renamed.yaml');
    writeFileSync(file, VALID.replace('name: NAME', 'name: original'));
    expect(errorOf(file)).toMatch(/name: expected "renamed" \(the file name\), found "original"/);
  });

  it('reports YAML syntax errors with the file', () => {
    expect(errorOf(write('broken', 'name: [unclosed'))).toMatch(/broken\.yaml: not valid YAML/);
  });

  it('finds experiments by name and lists the known ones when a name is wrong', () => {
    expect(findExperiment('acks1-leader-kill').producers[0]!.acks).toBe(1);
    expect(() => findExperiment('no-such-thing')).toThrow(/no experiment named "no-such-thing"; known: .*acks1-leader-kill/);
  });
});
