/**
 * The fast part of the crash-consistency campaign (test/RELIABILITY.md): the built
 * google_guest_daemon is killed with SIGKILL at random points of a multi-user update against a
 * real sandbox root, then the account databases, state files and every authorized_keys are
 * checked, and the next run must converge exactly with nothing left to plan. `make torture`
 * runs the same loop 200 times at 1000 users. GCE_RELIABILITY_CRASH_RUNS / _USERS override.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCrashLoop } from '../reliability/lib/crash.js';
import { describeIf, isRoot } from '../support/skip.js';
import { createAccountsSandbox, edKey, hasShadowTools, type AccountsSandbox } from './accounts-harness.js';

const BUILD = fileURLToPath(new URL('../../build/', import.meta.url));
const RUNS = Number(process.env['GCE_RELIABILITY_CRASH_RUNS'] ?? 20);
const USERS = Number(process.env['GCE_RELIABILITY_CRASH_USERS'] ?? 200);
const run = describeIf(
  isRoot() && hasShadowTools() && existsSync(`${BUILD}bin/google_guest_daemon`),
  'needs root, the shadow tools and `make build` (build/bin/google_guest_daemon)',
);

/** Runs `fn` on a fresh accounts sandbox and always removes it. */
async function inSandbox(fn: (box: AccountsSandbox) => Promise<void>, options: Parameters<typeof createAccountsSandbox>[0] = {}): Promise<void> {
  const box = createAccountsSandbox(options);
  try {
    await fn(box);
  } finally {
    box.cleanup();
  }
}

run('crash window of create-user', () => {
  it('records the account in google_users.created before useradd runs, and takes it back when useradd fails', async () => {
    const seen: string[] = [];
    let created = (): string => '';
    // What a SIGKILL right after useradd would leave behind.
    const os: Parameters<typeof createAccountsSandbox>[0] = {
      os: (base) => ({ ...base, exec: { ...base.exec, check: (argv, o) => (argv[0] === 'useradd' && seen.push(created()), base.exec.check(argv, o)) } }),
    };
    await inSandbox(async (box) => {
      created = () => box.read('var/lib/google/google_users.created');
      writeFileSync(box.path('etc/group'), `${box.read('etc/group')}bob:x:2000:\n`);
      writeFileSync(box.path('etc/gshadow'), `${box.read('etc/gshadow')}bob:!::\n`);
      const r = await box.pass({ instance: { 'ssh-keys': `alice:${edKey('a')}\nbob:${edKey('b')}` } });
      expect(r.report.failed.map((f) => f.action.kind)).toEqual(['create-user']);
      expect(seen).toEqual(['alice\n', 'alice\nbob\n']);
      expect(box.read('var/lib/google/google_users.created')).toBe('alice\n');
    }, os);
  });
});

run('an account left half-made by a killed useradd', () => {
  it('is deleted and created again: group, home and keys appear, and the next pass plans nothing', async () => {
    await inSandbox(async (box) => {
      // What a SIGKILL of useradd between its passwd and group commits leaves: a passwd line, no
      // shadow or group entry, no home; the name was recorded in google_users.created first.
      writeFileSync(box.path('etc/passwd'), `${box.read('etc/passwd')}half:x:1500:1500::/home/half:/bin/bash\n`);
      writeFileSync(box.path('var/lib/google/google_users.created'), 'half\n');
      const meta = { instance: { 'ssh-keys': `half:${edKey('h')}` } };
      const r = await box.pass(meta);
      expect(r.planned.map((a) => a.kind)).toEqual(['create-group', 'write-sudoers', 'delete-user', 'create-user', 'set-initial-groups', 'write-keys', 'write-state']);
      expect(r.report.failed).toEqual([]);
      expect(box.read('etc/group')).toMatch(/^half:x:\d+:$/m);
      expect(box.read('etc/shadow')).toMatch(/^half:/m);
      expect(box.read('home/half/.ssh/authorized_keys')).toBe(`# Added by Google\n${edKey('h')}\n`);
      expect((await box.pass(meta)).planned).toEqual([]);
    });
  });
});

run('temp files of a killed write', () => {
  it('are removed by the next write of the same file', async () => {
    await inSandbox(async (box) => {
      await box.pass({ instance: { 'ssh-keys': `alice:${edKey('a1')}` } });
      const stale = box.path('home/alice/.ssh/.authorized_keys.0123456789ab');
      writeFileSync(stale, 'half a write');
      writeFileSync(box.path('var/lib/google/.google_users.abcdef012345'), 'half a write');
      await box.pass({ instance: { 'ssh-keys': `alice:${edKey('a2')}\nbob:${edKey('b')}` } });
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(box.path('var/lib/google/.google_users.abcdef012345'))).toBe(false);
      expect(box.read('home/alice/.ssh/authorized_keys')).toBe(`# Added by Google\n${edKey('a2')}\n`);
    });
  });
});

run(`crash consistency (${RUNS} kills at ${USERS} users)`, () => {
  it('every kill leaves consistent files and the next run converges with nothing left to plan', async () => {
    const report = await runCrashLoop({ target: { buildDir: BUILD }, runs: RUNS, users: USERS, dryRunEvery: 5 });
    expect(report.problems).toEqual([]);
    expect(report.failedRuns).toBe(0);
    // Temp files of writes a kill interrupted are removed by the next write of the same file.
    expect(report.agentTempAfterConverge).toBe(0);
    expect(report.killed + report.finishedBeforeKill).toBe(RUNS);
    // Kills must land inside updates, not only before or after them.
    expect(report.killed).toBeGreaterThan(RUNS / 2);
  }, 900_000);
});
