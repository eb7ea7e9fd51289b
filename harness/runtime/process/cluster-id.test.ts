import { describe, expect, it } from 'vitest';
import { randomClusterId } from './kafka-launcher.js';

describe('randomClusterId', () => {
  it('is a 16-byte URL-safe base64 id that never starts with "-", which StorageTool would take for an option', () => {
    // One id in 64 would start with '-' if nothing prevented it; 20,000 draws make a miss all but impossible.
    for (let i = 0; i < 20_000; i++) {
      const id = randomClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
  });
});
