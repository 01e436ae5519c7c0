/** Pure rules of pid-file locks: content format and which command lines belong to the project. */
import { formatLockContent, isProjectCommand, parseLockContent, splitCmdline } from '../../../ts/os/lock-holder.js';

describe('lock content', () => {
  it('round-trips pid and owner', () => {
    expect(parseLockContent(formatLockContent(4242, 'google_guest_daemon'))).toEqual({
      pid: 4242,
      owner: 'google_guest_daemon',
    });
  });

  it.each([[''], ['\n'], ['abc'], ['0 x'], ['-5'], ['12 a b'], ['99999999999']])('finds no pid in %j', (text) => {
    expect(parseLockContent(text).pid).toBeUndefined();
  });

  it('accepts a bare pid (other writers of the 2016 path)', () => {
    expect(parseLockContent('77\n')).toEqual({ pid: 77, owner: undefined });
  });
});

describe('isProjectCommand', () => {
  it.each([
    [['/bin/sh', '/usr/bin/google_guest_daemon', '--log-target=journal']],
    [['node', '/usr/lib/google-compute-engine/google_accounts_daemon.mjs']],
    [['/usr/bin/python', '/usr/bin/google_clock_skew_daemon']],
    [['google_ip_forwarding_daemon']],
    [['/usr/bin/node', '/work/node_modules/jest-worker/build/workers/processChild.js']],
    [['node', '--experimental-vm-modules', 'node_modules/jest/bin/jest.js', 'test/unit']],
  ])('recognises %j', (argv) => {
    expect(isProjectCommand(argv)).toBe(true);
  });

  it.each([
    [['sleep', '60']],
    [['/usr/bin/vim', '/etc/google_guest_daemon.conf']],
    [['bash', '-c', 'echo jest']],
    [['python3', 'majestic.py']],
    [[]],
  ])('rejects %j', (argv) => {
    expect(isProjectCommand(argv)).toBe(false);
  });

  it('splits /proc cmdline on NUL bytes', () => {
    expect(splitCmdline('node\0/x/google_guest_daemon.mjs\0')).toEqual(['node', '/x/google_guest_daemon.mjs']);
  });
});
