import { createRequestLog } from '../../../ts/emulator/request-log.js';

const fields = (path: string) => ({
  time: new Date(0).toISOString(), method: 'GET', path, query: '', flavor: true, legacyFlavor: false, forwardedFor: false, authorization: false,
});

describe('request log', () => {
  it('records outcomes, wait times and counters per path and status', () => {
    let now = 0;
    const log = createRequestLog(() => now);
    const a = log.start(fields('/a'));
    const b = log.start(fields('/b'));
    log.start(fields('/a'));
    now = 250;
    log.finish(a, 'answered', 200);
    log.finish(a, 'aborted', null); // a second finish is ignored
    log.finish(b, 'answered', 503);
    const s = log.snapshot();
    expect(s.log.map((r) => [r.path, r.status, r.waitMs, r.outcome])).toEqual([
      ['/a', 200, 250, 'answered'],
      ['/b', 503, 250, 'answered'],
      ['/a', null, null, 'pending'],
    ]);
    expect(s.counters).toEqual({ total: 3, byPath: { '/a': 2, '/b': 1 }, byStatus: { '200': 1, '503': 1 } });
    expect(s.inFlight).toBe(1);
  });

  it('reset keeps only requests still in flight', () => {
    const log = createRequestLog(() => 0);
    log.finish(log.start(fields('/done')), 'answered', 200);
    const pending = log.start(fields('/waiting'));
    log.reset();
    expect(log.snapshot().log.map((r) => r.path)).toEqual(['/waiting']);
    log.finish(pending, 'answered', 200);
    expect(log.snapshot().counters).toEqual({ total: 1, byPath: { '/waiting': 1 }, byStatus: { '200': 1 } });
  });
});
