import { describe, expect, it } from 'vitest';
import { FollowerTracking } from './follower-tracking.js';

describe("a leader's low watermark (what DeleteRecords waits for)", () => {
  it('is the smallest log start over the leader and the followers on live brokers', () => {
    const tracking = new FollowerTracking(1, [1, 2, 3], [1, 2, 3], 0);
    const everyoneLive = () => true;
    // A follower that has not fetched in this epoch holds it at -1.
    expect(tracking.lowWatermark(10n, everyoneLive)).toBe(-1n);

    expect(tracking.onLogStart(2, 10n)).toBe(true);
    expect(tracking.onLogStart(3, 4n)).toBe(true);
    expect(tracking.onLogStart(3, 4n)).toBe(false);
    expect(tracking.lowWatermark(10n, everyoneLive)).toBe(4n);
    // A follower on a fenced or stopped broker is not waited for.
    expect(tracking.lowWatermark(10n, (id) => id !== 3)).toBe(10n);

    expect(tracking.onLogStart(3, 12n)).toBe(true);
    expect(tracking.lowWatermark(10n, everyoneLive)).toBe(10n);
  });

  it('is the leader log start with no followers', () => {
    expect(new FollowerTracking(1, [1], [1], 0).lowWatermark(7n, () => true)).toBe(7n);
  });
});
