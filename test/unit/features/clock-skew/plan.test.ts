/** Table tests of the clock-skew planner and the /etc/adjtime reader (pure). */
import { rtcMode } from '../../../../ts/features/clock-skew/adjtime.js';
import { desiredClock, planClock, type ClockObserved } from '../../../../ts/features/clock-skew/plan.js';

describe('rtcMode', () => {
  it.each([
    [undefined, { mode: 'utc', source: 'missing-file' }],
    ['', { mode: 'utc', source: 'missing-line' }],
    ['0.0 0 0.0\n0\n', { mode: 'utc', source: 'missing-line' }],
    ['0.0 0 0.0\n0\nUTC\n', { mode: 'utc', source: 'adjtime' }],
    ['0.0 0 0.0\n0\nUTC', { mode: 'utc', source: 'adjtime' }],
    ['0.000000 1700000000 0.000000\n1700000000\nLOCAL\n', { mode: 'local', source: 'adjtime' }],
    ['0.0 0 0.0\n0\n  LOCAL  \n', { mode: 'local', source: 'adjtime' }],
    ['0.0 0 0.0\n0\nlocal\n', { mode: 'utc', source: 'unrecognised', line: 'local' }],
  ])('reads %j', (text, mode) => {
    expect(rtcMode(text)).toEqual(mode);
  });
});

describe('planClock', () => {
  const cmd = desiredClock('1', 'hwclock --hctosys --utc --noadjfile');
  it.each<[string, ClockObserved, number]>([
    ['baseline', { change: 'baseline', rtc: undefined }, 0],
    ['no change', { change: 'none', rtc: undefined }, 0],
    ['change, UTC', { change: 'changed', rtc: { mode: 'utc', source: 'adjtime' } }, 1],
    ['change, no adjtime', { change: 'changed', rtc: { mode: 'utc', source: 'missing-file' } }, 1],
    ['change, LOCAL', { change: 'changed', rtc: { mode: 'local', source: 'adjtime' } }, 0],
  ])('%s → %d action(s)', (_name, observed, n) => {
    expect(planClock(cmd, observed)).toEqual(n ? [{ kind: 'sync-clock', command: ['hwclock', '--hctosys', '--utc', '--noadjfile'] }] : []);
  });

  it('plans nothing for an empty command', () => {
    expect(planClock(desiredClock('1', '   '), { change: 'changed', rtc: { mode: 'utc', source: 'adjtime' } })).toEqual([]);
  });
});
