/**
 * The accounts feature as it runs on a real machine (root `/`, not sandboxed), but with every
 * path under a temp directory and a scripted fake Runner standing in for the shadow tools and
 * getent: the production argv is exactly the configured templates (no --prefix), gpasswd is
 * used for memberships, getent runs once per pass and only for names missing from passwd.
 * The fake applies each command's effect to the temp files so passes converge.
 */
import { appendFileSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configWith } from '../../ts/config/defaults.js';
import { reconcile } from '../../ts/core/feature.js';
import { createLogOnce, createMemoryLogger } from '../../ts/core/logger.js';
import { createAccountsFeature } from '../../ts/features/accounts/accounts.js';
import { parseSnapshot } from '../../ts/metadata/snapshot.js';
import { createRootedFs } from '../../ts/os/rooted-fs.js';
import { createSysInfo } from '../../ts/os/sysinfo.js';
import { editGroupMembers } from '../../ts/os/users-files.js';
import type { Locks, Os, RunResult, Runner } from '../../ts/os/types.js';
import { describeIf, isRoot } from '../support/skip.js';
import { edKey } from './accounts-harness.js';

const run = describeIf(isRoot(), 'needs root (state files are chowned to root:root)');

const ok = (stdout = '', exitCode = 0): RunResult => ({ exitCode, signal: undefined, stdout, stderr: '', timedOut: false, failed: exitCode !== 0 });

/** A Runner that records argv and applies useradd/usermod/gpasswd/getent to files under `dir`. */
function scriptedRunner(dir: string, nss: Record<string, string>): Runner & { calls: string[][] } {
  const calls: string[][] = [];
  let nextUid = 2000;
  const edit = (file: string, group: string, user: string, op: 'add' | 'remove'): void => {
    const p = join(dir, file);
    writeFileSync(p, editGroupMembers(readFileSync(p, 'utf8'), group, user, op) ?? '');
  };
  const exec = async (argv: readonly string[]): Promise<RunResult> => {
    calls.push([...argv]);
    const [tool, ...args] = argv;
    const last = args[args.length - 1] ?? '';
    switch (tool) {
      case 'useradd':
        nextUid += 1;
        appendFileSync(join(dir, 'etc/passwd'), `${last}:x:${nextUid}:${nextUid}::/home/${last}:/bin/bash\n`);
        mkdirSync(join(dir, 'home', last));
        chownSync(join(dir, 'home', last), nextUid, nextUid);
        return ok();
      case 'groupadd':
        appendFileSync(join(dir, 'etc/group'), `${last}:x:1500:\n`);
        return ok();
      case 'usermod':
        for (const g of (args[1] ?? '').split(',')) edit('etc/group', g, last, 'add');
        return ok();
      case 'gpasswd':
        edit('etc/group', last, args[1] ?? '', args[0] === '-a' ? 'add' : 'remove');
        return ok();
      case 'getent': {
        const lines = args.slice(2).map((n) => nss[n]).filter((l): l is string => l !== undefined);
        return ok(lines.map((l) => `${l}\n`).join(''), lines.length === args.length - 2 ? 0 : 2);
      }
      default:
        return ok('', 127);
    }
  };
  return { calls, run: exec, check: async (argv) => exec(argv), spawned: () => calls.length };
}

run('accounts: production argv (root /)', () => {
  let dir: string;
  let runner: ReturnType<typeof scriptedRunner>;
  let os: Os;
  const feature = createAccountsFeature();
  const mem = createMemoryLogger('google-accounts');
  const logOnce = createLogOnce(mem.log);
  const pass = (keys: string) =>
    reconcile(feature, parseSnapshot({ instance: { attributes: { 'ssh-keys': keys } } }), os, {
      cfg: configWith({ accounts: { groups: ['adm', 'docker'] } }),
      log: mem.log,
      logOnce,
      dryRun: false,
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gce-accounts-argv-'));
    mkdirSync(join(dir, 'etc'));
    mkdirSync(join(dir, 'home'));
    mkdirSync(join(dir, 'nfs/ldapuser'), { recursive: true });
    chownSync(join(dir, 'nfs/ldapuser'), 70000, 70000);
    writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    writeFileSync(join(dir, 'etc/group'), 'root:x:0:\nadm:x:4:\n');
    runner = scriptedRunner(dir, { ldapuser: `ldapuser:*:70000:70000::${join('/nfs/ldapuser')}:/bin/bash` });
    const fs = createRootedFs(dir, {});
    // Production mode: not sandboxed, so argv is built exactly as on a real machine.
    os = {
      root: dir,
      sandboxed: false,
      fs,
      exec: runner,
      locks: {} as Locks,
      sys: createSysInfo(fs, { pathEnv: '' }),
      log: mem.log,
      now: () => new Date('2030-01-01T00:00:00Z'),
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the configured templates without --prefix and gpasswd for memberships', async () => {
    const r = await pass(`alice:${edKey('a')}`);
    expect(r.report.failed).toEqual([]);
    expect(runner.calls).toEqual([
      // The NSS check before creating a name the passwd file lacks (an LDAP user is not duplicated).
      ['getent', 'passwd', '--', 'alice'],
      ['groupadd', 'google-sudoers'],
      ['useradd', '-m', '-s', '/bin/bash', '-p', '*', 'alice'],
      ['usermod', '-G', 'adm,google-sudoers', 'alice'],
    ]);
    runner.calls.length = 0;
    appendFileSync(join(dir, 'etc/group'), 'docker:x:999:\n');
    await pass(`alice:${edKey('a')}`);
    expect(runner.calls).toEqual([['gpasswd', '-a', 'alice', 'docker']]);
    runner.calls.length = 0;
    await pass('');
    expect(runner.calls).toEqual([['gpasswd', '-d', 'alice', 'google-sudoers']]);
  });

  it('looks up names missing from passwd with one getent call, and adopts an NSS account', async () => {
    const r = await pass(`ldapuser:${edKey('l')}\nnewbie:${edKey('n')}`);
    expect(r.report.failed).toEqual([]);
    expect(runner.calls.filter((c) => c[0] === 'getent')).toEqual([['getent', 'passwd', '--', 'ldapuser', 'newbie']]);
    expect(runner.calls.filter((c) => c[0] === 'useradd')).toEqual([['useradd', '-m', '-s', '/bin/bash', '-p', '*', 'newbie']]);
    expect(runner.calls).toContainEqual(['gpasswd', '-a', 'ldapuser', 'google-sudoers']);
    expect(readFileSync(join(dir, 'nfs/ldapuser/.ssh/authorized_keys'), 'utf8')).toBe(`# Added by Google\n${edKey('l')}\n`);
    runner.calls.length = 0;
    // The NSS user leaves metadata: one getent finds it, gpasswd revokes sudo, its Google lines go.
    await pass(`newbie:${edKey('n')}`);
    expect(runner.calls).toEqual([
      ['getent', 'passwd', '--', 'ldapuser'],
      ['gpasswd', '-d', 'ldapuser', 'google-sudoers'],
    ]);
    expect(readFileSync(join(dir, 'nfs/ldapuser/.ssh/authorized_keys'), 'utf8')).toBe('');
    runner.calls.length = 0;
    // Every name now local: an idle pass runs no process at all.
    await pass(`newbie:${edKey('n')}`);
    expect(runner.calls).toEqual([]);
  });
});
