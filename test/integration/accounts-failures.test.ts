/**
 * Accounts apply when things fail, against a real temp machine root: one user's useradd fails
 * while the others converge, and the sudoers file is validated by visudo (a PATH stub that
 * records argv) before it is installed.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSysInfo } from '../../ts/os/sysinfo.js';
import { describeIf, isRoot } from '../support/skip.js';
import { createAccountsSandbox, edKey, groupMembers, hasShadowTools, logText, passwdEntry, type AccountsSandbox } from './accounts-harness.js';

const run = describeIf(isRoot() && hasShadowTools(), 'needs root and the shadow tools');
const VISUDO = ['/usr/sbin/visudo', '/sbin/visudo'].find((p) => existsSync(p));
const runVisudo = describeIf(isRoot() && hasShadowTools() && VISUDO !== undefined, 'needs root and a real visudo (package sudo)');

run('accounts: failures are per user', () => {
  let box: AccountsSandbox;
  beforeEach(() => {
    box = createAccountsSandbox();
  });
  afterEach(() => box.cleanup());

  it('reports a failed useradd, skips that user\'s dependent actions and converges the others', async () => {
    // useradd with USERGROUPS_ENAB refuses a user whose name is taken by a group.
    writeFileSync(box.path('etc/group'), `${box.read('etc/group')}bob:x:2000:\n`);
    writeFileSync(box.path('etc/gshadow'), `${box.read('etc/gshadow')}bob:!::\n`);
    const meta = { instance: { 'ssh-keys': `alice:${edKey('a')}\nbob:${edKey('b')}\ncarol:${edKey('c')}` } };
    const r = await box.pass(meta);
    expect(r.report.failed.map((f) => `${f.action.kind} ${'user' in f.action ? f.action.user : ''}`)).toEqual(['create-user bob']);
    expect(r.report.skipped.map((s) => [s.action.kind, s.reason])).toEqual([
      ['set-initial-groups', 'create-user bob did not succeed'],
      ['write-keys', 'create-user bob did not succeed'],
    ]);
    expect(passwdEntry(box, 'alice')).toBeDefined();
    expect(passwdEntry(box, 'carol')).toBeDefined();
    expect(box.read('var/lib/google/google_users')).toBe('alice\ncarol\n');
    expect(box.read('var/lib/google/google_users.created')).toBe('alice\ncarol\n');
    expect(logText(box)).toMatch(/ERROR failed create-user user=bob: useradd .*exit status 9/);
    // The next pass retries bob only.
    expect((await box.plan(meta)).map((a) => a.kind)).toEqual(['create-user', 'set-initial-groups', 'write-keys', 'write-state']);
  });
});

run('accounts: sudoers validation with visudo', () => {
  let box: AccountsSandbox;
  let stubDir: string;
  const makeStub = (exitCode: number): void => {
    const script = `#!/bin/sh\nprintf '%s\\n' "$@" >> "${stubDir}/argv"\ncat "$3" >> "${stubDir}/seen"\nexit ${exitCode}\n`;
    writeFileSync(join(stubDir, 'visudo'), script);
    chmodSync(join(stubDir, 'visudo'), 0o755);
  };
  beforeEach(() => {
    stubDir = mkdtempSync(join(tmpdir(), 'gce-visudo-'));
    box = createAccountsSandbox({ os: (os) => ({ ...os, sys: createSysInfo(os.fs, { pathEnv: stubDir }) }) });
  });
  afterEach(() => {
    box.cleanup();
    rmSync(stubDir, { recursive: true, force: true });
  });

  it('checks a temp copy with visudo -c -f, installs the file and removes the temp copy', async () => {
    makeStub(0);
    const r = await box.pass({});
    expect(r.report.applied.map((a) => a.kind)).toContain('write-sudoers');
    const argv = readFileSync(join(stubDir, 'argv'), 'utf8').split('\n');
    expect(argv.slice(0, 2)).toEqual(['-c', '-f']);
    expect(argv[2]).toMatch(new RegExp(`^${box.root}/etc/sudoers.d/\\.google_sudoers\\.check-[0-9a-f]+$`));
    expect(readFileSync(join(stubDir, 'seen'), 'utf8')).toBe('%google-sudoers ALL=(ALL:ALL) NOPASSWD:ALL\n');
    expect(readdirSync(box.path('etc/sudoers.d'))).toEqual(['google_sudoers']);
  });

  it('installs nothing when visudo rejects the file, and says so', async () => {
    makeStub(1);
    const r = await box.pass({});
    expect(r.report.failed.map((f) => f.action.kind)).toEqual(['write-sudoers']);
    expect(readdirSync(box.path('etc/sudoers.d'))).toEqual([]);
    expect(logText(box)).toMatch(/ERROR failed write-sudoers path=\/etc\/sudoers.d\/google_sudoers: .*visudo -c -f .*exit status 1/);
    expect(groupMembers(box, 'google-sudoers')).toEqual([]);
    expect(existsSync(box.path('etc/sudoers.d/google_sudoers'))).toBe(false);
  });
});

runVisudo('accounts: sudoers validation with the real visudo', () => {
  let box: AccountsSandbox;
  beforeEach(() => {
    box = createAccountsSandbox({ os: (os) => ({ ...os, sys: createSysInfo(os.fs, { pathEnv: '/usr/sbin:/sbin' }) }) });
  });
  afterEach(() => box.cleanup());

  it('accepts the google_sudoers rule and leaves only the final file', async () => {
    const r = await box.pass({});
    expect(r.report.failed).toEqual([]);
    const call = box.runner.calls.find((c) => c[0] === VISUDO);
    expect(call?.slice(1, 3)).toEqual(['-c', '-f']);
    expect(box.read('etc/sudoers.d/google_sudoers')).toBe('%google-sudoers ALL=(ALL:ALL) NOPASSWD:ALL\n');
    expect(readdirSync(box.path('etc/sudoers.d'))).toEqual(['google_sudoers']);
  });
});
