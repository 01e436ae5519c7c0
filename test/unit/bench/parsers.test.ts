import { lifetime, parseTrace, spawnedIn } from '../../../bench/compare/exec-trace.js';
import { groupSmaps } from '../../../bench/compare/smaps.js';
import { summariseCpuProfile } from '../../../bench/compare/cpuprofile.js';
import { changeTime } from '../../../bench/compare/windows.js';
import { timesDelta } from '../../../bench/compare/oneshot-session.js';

const TRACE = `
   100/100    10.000100: sched:sched_process_exec: filename=/usr/sbin/chroot pid=100 old_pid=100
   100/100    10.001000: sched:sched_process_exec: filename=/opt/gce-ts/bin/google_instance_setup pid=100 old_pid=100
   100/100    10.002000: sched:sched_process_exec: filename=/usr/bin/node pid=100 old_pid=100
   101/101    10.100000: sched:sched_process_exec: filename=/usr/bin/ssh-keygen pid=101 old_pid=101
   101/101    10.200000: sched:sched_process_exit: comm=ssh-keygen pid=101 prio=120
   100/105    10.300000: sched:sched_process_exit: comm=node pid=105 prio=120
   102/102    10.400000: sched:sched_process_exec: filename=/usr/bin/ssh-keygen pid=102 old_pid=102
   100/100    10.500000: sched:sched_process_exit: comm=node pid=100 prio=120
`;

describe('perf exec trace', () => {
  const events = parseTrace(TRACE);

  test('keeps execs and whole-process exits, in monotonic milliseconds', () => {
    expect(events.filter((e) => e.kind === 'exec')).toHaveLength(5);
    expect(events.filter((e) => e.kind === 'exit').map((e) => e.pid)).toEqual([101, 100]);
    expect(events[1]).toEqual({ kind: 'exec', t: 10001, pid: 100, what: '/opt/gce-ts/bin/google_instance_setup' });
  });

  test('counts distinct processes and programs in a window, excluding given pids', () => {
    expect(spawnedIn(events, 10000, 11000, new Set([100]))).toEqual({ count: 2, programs: { 'ssh-keygen': 2 } });
    expect(spawnedIn(events, 10000, 10050).count).toBe(1);
  });

  test("a one-shot's lifetime runs from its own exec (after chroot's) to its exit", () => {
    expect(lifetime(events, 'google_instance_setup')).toEqual({ pid: 100, start: 10001, end: 10500 });
    expect(lifetime(events, 'absent')).toBeUndefined();
  });
});

describe('benchmark helpers', () => {
  test('the change time is the first answer sent after the write, never before it', () => {
    const reqs = [
      { at: 0, answeredAt: 1003, path: '/a', query: '', outcome: 'answered' },
      { at: 0, answeredAt: 1001, path: '/b', query: '', outcome: 'answered' },
      { at: 500, answeredAt: 600, path: '/c', query: '', outcome: 'answered' },
    ];
    expect(changeTime(reqs, 1000)).toBe(1001);
    expect(changeTime(reqs, 2000)).toBe(2000);
    expect(changeTime([{ at: 0, answeredAt: 999.5, path: '/a', query: '', outcome: 'answered' }], 1000)).toBe(1000);
  });

  test('CPU of the sandboxed command is the difference of the children lines of bash times', () => {
    expect(timesDelta('0m0.010s 0m0.002s\n0m0.020s 0m0.030s\n0m0.011s 0m0.002s\n1m0.520s 0m0.530s\n')).toBeCloseTo(61.0, 5);
  });

  test('smaps groups mappings into binary, libraries, heap and anonymous memory', () => {
    const smaps = [
      '55d0-55e0 r-xp 00000000 08:01 12 /usr/bin/node', 'Rss: 100 kB', 'Private_Clean: 0 kB', 'Private_Dirty: 0 kB',
      '7f00-7f10 r-xp 00000000 08:01 13 /usr/lib/x86_64-linux-gnu/libnode.so.108', 'Rss: 2000 kB', 'Private_Clean: 10 kB', 'Private_Dirty: 5 kB',
      '5600-5700 rw-p 00000000 00:00 0 [heap]', 'Rss: 300 kB', 'Private_Dirty: 300 kB',
      '7e00-7e80 rw-p 00000000 00:00 0 ', 'Rss: 700 kB', 'Private_Dirty: 650 kB',
    ].join('\n');
    expect(groupSmaps(smaps, '/usr/bin/node')).toEqual([
      { group: 'shared libraries', rssKiB: 2000, privateKiB: 15 },
      { group: 'anonymous mappings', rssKiB: 700, privateKiB: 650 },
      { group: 'malloc heap ([heap])', rssKiB: 300, privateKiB: 300 },
      { group: 'program binary', rssKiB: 100, privateKiB: 0 },
    ]);
  });

  test('a CPU profile is summarised by self time, leaving idle out', () => {
    const nodes = [
      { id: 1, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
      { id: 2, callFrame: { functionName: 'spawn', url: 'node:internal/child_process', lineNumber: 10 } },
      { id: 3, callFrame: { functionName: 'plan', url: 'file:///opt/gce-ts/lib/google_guest_daemon.mjs', lineNumber: 1 } },
    ];
    const s = summariseCpuProfile({ nodes, samples: [1, 2, 2, 3], timeDeltas: [5000, 1000, 1000, 500], startTime: 0, endTime: 7500 });
    expect(s.busyMs).toBe(2.5);
    expect(s.top[0]).toEqual({ fn: 'spawn', source: 'node:child_process', selfMs: 2 });
    expect(s.bySource.map((x) => x.source)).toEqual(['node:child_process', 'google_guest_daemon.mjs']);
  });
});
