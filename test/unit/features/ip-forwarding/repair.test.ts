/** The repair scheduler: coalescing, waiting for the loop's pass, spacing, and a clean stop. */
import { createRepairScheduler } from '../../../../ts/features/ip-forwarding/repair.js';
import { sleep } from './fakes.js';

function counter(opts: { canRun?: () => boolean; minIntervalMs?: number; runMs?: number } = {}) {
  const starts: number[] = [];
  const s = createRepairScheduler({
    delayMs: 10,
    minIntervalMs: opts.minIntervalMs ?? 0,
    canRun: opts.canRun ?? (() => true),
    run: async () => {
      starts.push(Date.now());
      await sleep(opts.runMs ?? 0);
    },
  });
  return { s, starts };
}

describe('repair scheduler', () => {
  it('runs one pass for a burst of requests', async () => {
    const { s, starts } = counter();
    for (let i = 0; i < 50; i += 1) s.schedule();
    await sleep(60);
    expect(starts).toHaveLength(1);
    await s.stop();
  });

  it('waits while the daemon loop is busy', async () => {
    let busy = true;
    const { s, starts } = counter({ canRun: () => !busy });
    s.schedule();
    await sleep(50);
    expect(starts).toHaveLength(0);
    busy = false;
    await sleep(40);
    expect(starts).toHaveLength(1);
    await s.stop();
  });

  it('keeps passes at least minIntervalMs apart, so a fight cannot become a busy loop', async () => {
    const { s, starts } = counter({ minIntervalMs: 150 });
    s.schedule();
    await sleep(30);
    s.schedule();
    await sleep(60);
    expect(starts).toHaveLength(1);
    await sleep(150);
    expect(starts).toHaveLength(2);
    expect((starts[1] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(140);
    await s.stop();
  });

  it('exposes the pass in flight and stop() waits for it, then ignores requests', async () => {
    const { s, starts } = counter({ runMs: 80 });
    s.schedule();
    await sleep(30);
    expect(s.running()).toBeDefined();
    const t0 = Date.now();
    await s.stop();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(30);
    expect(s.running()).toBeUndefined();
    s.schedule();
    await sleep(40);
    expect(starts).toHaveLength(1);
  });

  it('survives a pass that throws', async () => {
    let n = 0;
    const s = createRepairScheduler({
      delayMs: 5,
      minIntervalMs: 0,
      canRun: () => true,
      run: async () => {
        n += 1;
        throw new Error('boom');
      },
    });
    s.schedule();
    await sleep(30);
    s.schedule();
    await sleep(30);
    expect(n).toBe(2);
    await s.stop();
  });
});
