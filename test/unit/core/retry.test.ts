import { backoffCeiling, backoffDelay, retryDelay } from '../../../ts/core/retry.js';

describe('backoff policy', () => {
  it('starts at 100 ms, doubles, caps at 2 s', () => {
    expect([1, 2, 3, 4, 5, 6, 50].map(backoffCeiling)).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
  });

  it('draws each delay from [d/2, d]', () => {
    expect(backoffDelay(3, () => 0)).toBe(200);
    expect(backoffDelay(3, () => 1)).toBe(400);
  });

  it('five consecutive 503s cost under 4 s even at the top of every range', () => {
    const total = [1, 2, 3, 4, 5].reduce((s, n) => s + retryDelay('unavailable', n, () => 1), 0);
    expect(total).toBeLessThan(4000);
  });

  it('waits 30 s after configuration-type errors', () => {
    expect(retryDelay('forbidden', 1)).toBe(30_000);
    expect(retryDelay('bad-request', 7)).toBe(30_000);
  });
});
