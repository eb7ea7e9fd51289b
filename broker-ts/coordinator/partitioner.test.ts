import { describe, expect, it } from 'vitest';
import { javaStringHashCode, partitionForKey } from './partitioner.js';

describe('partitionForKey', () => {
  it("matches Java's String.hashCode (values from jshell)", () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('my-group')).toBe(-1906497762);
    // Outside the BMP Java hashes UTF-16 code units.
    expect(javaStringHashCode('😀')).toBe(1772899);
  });

  it("maps group and transactional ids to partitions as Kafka's Utils.abs(hashCode) % partitions does", () => {
    expect(partitionForKey('hello', 50)).toBe(99162322 % 50);
    expect(partitionForKey('my-group', 50)).toBe(36);
    // Its hash is Integer.MIN_VALUE, which Utils.abs maps to 0.
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
    expect(partitionForKey('polygenelubricants', 50)).toBe(0);
  });
});
