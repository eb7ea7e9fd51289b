import { describe, expect, it } from 'vitest';
import { describeDifference, differencesOf } from './differences.js';

describe('differencesOf', () => {
  it('names a new key, a changed value and a key only the other side has', () => {
    const kafka = {
      configs: { 'retention.ms': { value: '1', source: 'DEFAULT_CONFIG' }, 'errors.deadletterqueue.group.enable': { value: 'false' } },
      error: 'NONE',
    };
    const brokerTs = { configs: { 'retention.ms': { value: '2', source: 'DEFAULT_CONFIG' }, 'old.key': { value: 'x' } }, error: 'NONE' };
    const lines = differencesOf('configs', kafka, brokerTs).map((d) => describeDifference(d, 'Kafka 4.4.0', 'broker-ts'));
    expect(lines).toEqual([
      'configs › configs › retention.ms › value: Kafka 4.4.0 "1", broker-ts "2"',
      'configs › configs › errors.deadletterqueue.group.enable: only Kafka 4.4.0 has it ({"value":"false"})',
      'configs › configs › old.key: only broker-ts has it ({"value":"x"})',
    ]);
  });

  it('compares lists of one length item by item, and a list of another length as a whole', () => {
    expect(differencesOf('p', { l: [1, 2, 3] }, { l: [1, 5, 3] }).map((d) => d.path)).toEqual([['l', '[1]']]);
    expect(differencesOf('p', { l: [1, 2] }, { l: [1, 2, 3] })).toEqual([{ probe: 'p', path: ['l'], reference: [1, 2], candidate: [1, 2, 3] }]);
    expect(differencesOf('p', { a: null }, { a: null })).toEqual([]);
  });

  it('marks what the probe tolerates, with its reason', () => {
    const found = differencesOf(
      'api-versions',
      { Fetch: { min: 4, max: 18 }, Vote: { min: 0, max: 2 } },
      { Fetch: { min: 4, max: 16 } },
      (path, kafka, brokerTs) => (path[1] === 'max' && (brokerTs as number) < (kafka as number) ? 'not yet' : undefined),
    );
    expect(found).toEqual([
      { probe: 'api-versions', path: ['Fetch', 'max'], reference: 18, candidate: 16, tolerated: 'not yet' },
      { probe: 'api-versions', path: ['Vote'], reference: { min: 0, max: 2 }, candidate: undefined },
    ]);
  });
});
