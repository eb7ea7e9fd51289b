import { describe, expect, it } from 'vitest';
import { parseProperties } from './properties-file.js';

describe('parseProperties', () => {
  it('reads key=value, key: value and key value lines, skipping comments and blanks', () => {
    const properties = parseProperties(
      ['# a comment', '! another', '', 'node.id=1', 'log.dirs : /data', 'num.partitions 3', '  listeners=PLAINTEXT://:9092  '].join('\n'),
    );
    expect([...properties]).toEqual([
      ['node.id', '1'],
      ['log.dirs', '/data'],
      ['num.partitions', '3'],
      ['listeners', 'PLAINTEXT://:9092  '],
    ]);
  });

  it('joins continued lines and decodes escapes as java.util.Properties does', () => {
    const properties = parseProperties('advertised.listeners=A://h:1,\\\n    B://h:2\nkey\\=with\\:colon=v\\u0041\\t!\nempty=\n');
    expect(properties.get('advertised.listeners')).toBe('A://h:1,B://h:2');
    expect(properties.get('key=with:colon')).toBe('vA\t!');
    expect(properties.get('empty')).toBe('');
  });

  it('keeps the last value of a repeated key', () => {
    expect(parseProperties('a=1\na=2').get('a')).toBe('2');
  });
});
