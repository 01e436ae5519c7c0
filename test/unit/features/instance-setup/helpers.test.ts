/** Finding and running the bash helpers: argv only, FAKEROOT, output and exit handling (§8.1). */
import {
  OPTIMIZE_LOCAL_SSD,
  SET_MULTIQUEUE,
  helperDirsFor,
  helperEnv,
  locateHelper,
  outputLines,
  runHelper,
} from '../../../../ts/features/instance-setup/helpers.js';
import { fakeOs, fakeSys, recordingRunner } from './fakes.js';

describe('helperDirsFor', () => {
  it.each<[string | undefined, string[]]>([
    ['/work/build/lib/google_instance_setup.mjs', ['/work/build/lib', '/work/build/bin']],
    ['/usr/lib/google-compute-engine/google_instance_setup.mjs', ['/usr/lib/google-compute-engine', '/usr/lib/bin', '/usr/bin']],
    ['/opt/gce/lib/google-compute-engine/x.mjs', ['/opt/gce/lib/google-compute-engine', '/opt/gce/lib/bin', '/opt/gce/bin']],
    [undefined, []],
    ['', []],
  ])('%j', (exe, dirs) => {
    expect(helperDirsFor(exe)).toEqual(dirs);
  });
});

describe('helperEnv / outputLines', () => {
  it('sets the helper-specific FAKEROOT only in a sandbox', () => {
    expect(helperEnv(OPTIMIZE_LOCAL_SSD, '/tmp/r', true)).toEqual({ GOOGLE_OPTIMIZE_LOCAL_SSD_FAKEROOT: '/tmp/r' });
    expect(helperEnv(SET_MULTIQUEUE, '/tmp/r', true)).toEqual({ GOOGLE_SET_MULTIQUEUE_FAKEROOT: '/tmp/r' });
    expect(helperEnv(SET_MULTIQUEUE, '/', false)).toEqual({});
  });

  it('splits output into non-empty lines, stdout first', () => {
    expect(outputLines('a\n\nb  \n', 'c\n')).toEqual(['a', 'b', 'c']);
    expect(outputLines('', '')).toEqual([]);
  });
});

describe('locateHelper', () => {
  it('prefers the directories next to the executable over PATH', async () => {
    const sys = fakeSys({ '/x/bin': ['google_set_multiqueue'], PATH: ['google_set_multiqueue'] });
    await expect(locateHelper(sys, 'google_set_multiqueue', ['/x/lib', '/x/bin'])).resolves.toBe('/x/bin/google_set_multiqueue');
  });

  it('falls back to PATH, and to nothing', async () => {
    const sys = fakeSys({ PATH: ['google_set_multiqueue'] });
    await expect(locateHelper(sys, 'google_set_multiqueue', ['/x/bin'])).resolves.toBe('/usr/bin/google_set_multiqueue');
    await expect(locateHelper(sys, 'google_optimize_local_ssd', ['/x/bin'])).resolves.toBeUndefined();
  });
});

describe('runHelper', () => {
  const print = (): void => undefined;

  it('runs the helper by path with FAKEROOT, logs its output at INFO and one audit line', async () => {
    const runner = recordingRunner(() => ({ stdout: 'tuned nvme0\n', stderr: 'note\n' }));
    const { os, sink } = fakeOs({ root: '/tmp/root', runner, sys: fakeSys({ '/x/bin': ['google_optimize_local_ssd'] }) });
    await expect(runHelper(os, OPTIMIZE_LOCAL_SSD, { dirs: ['/x/bin'], dryRun: false, print })).resolves.toBe('ok');
    expect(runner.calls).toHaveLength(1);
    expect(runner.calls[0]?.argv).toEqual(['/x/bin/google_optimize_local_ssd']);
    expect(runner.calls[0]?.options?.env).toEqual({ GOOGLE_OPTIMIZE_LOCAL_SSD_FAKEROOT: '/tmp/root' });
    expect(sink.lines()).toEqual([
      'instance-setup: INFO google_optimize_local_ssd: tuned nvme0',
      'instance-setup: INFO google_optimize_local_ssd: note',
      'instance-setup: INFO applied run-helper helper=google_optimize_local_ssd',
    ]);
  });

  it('passes no FAKEROOT on the real root', async () => {
    const runner = recordingRunner();
    const { os } = fakeOs({ root: '/', runner, sys: fakeSys({ PATH: ['google_set_multiqueue'] }) });
    await runHelper(os, SET_MULTIQUEUE, { dirs: [], dryRun: false, print });
    expect(runner.calls[0]?.options?.env).toEqual({});
  });

  it('a non-zero exit is one WARNING, never a throw', async () => {
    const runner = recordingRunner(() => ({ exitCode: 1, stderr: 'write failed\n' }));
    const { os, sink } = fakeOs({ root: '/tmp/root', runner, sys: fakeSys({ PATH: ['google_set_multiqueue'] }) });
    await expect(runHelper(os, SET_MULTIQUEUE, { dirs: [], dryRun: false, print })).resolves.toBe('failed');
    expect(sink.lines()).toEqual([
      'instance-setup: INFO google_set_multiqueue: write failed',
      'instance-setup: WARNING failed run-helper helper=google_set_multiqueue: exit status 1; boot continues',
    ]);
  });

  it('a missing helper is one WARNING and nothing runs', async () => {
    const runner = recordingRunner();
    const { os, sink } = fakeOs({ runner });
    await expect(runHelper(os, SET_MULTIQUEUE, { dirs: ['/x/bin'], dryRun: false, print })).resolves.toBe('missing');
    expect(runner.calls).toEqual([]);
    expect(sink.lines()).toHaveLength(1);
    expect(sink.lines()[0]).toMatch(/^instance-setup: WARNING google_set_multiqueue not found next to this program \(\/x\/bin\) or on PATH/);
  });

  it('a dry run prints the plan and runs nothing', async () => {
    const runner = recordingRunner();
    const { os } = fakeOs({ root: '/tmp/root', runner, sys: fakeSys({ PATH: ['google_set_multiqueue'] }) });
    const printed: unknown[] = [];
    await expect(runHelper(os, SET_MULTIQUEUE, { dirs: [], dryRun: true, print: (a, f) => printed.push([a, f]) })).resolves.toBe('planned');
    expect(runner.calls).toEqual([]);
    expect(printed).toEqual([
      ['run-helper', { helper: 'google_set_multiqueue', path: '/usr/bin/google_set_multiqueue', GOOGLE_SET_MULTIQUEUE_FAKEROOT: '/tmp/root' }],
    ]);
  });
});
