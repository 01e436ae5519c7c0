/**
 * Link and race attacks by a managed user, against a real temp machine root. The single-shot
 * cases (symlinked ~ / ~/.ssh / authorized_keys, a hard link to /etc/shadow, a foreign-owned
 * ~/.ssh, a symlink swapped in between observe and apply) are in accounts-security.test.ts; here:
 * a user who pre-creates /var/lib/google or its state files, and processes that flip ~/.ssh and
 * authorized_keys between real entries and links to root-owned files while passes run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { describeIf, isRoot } from '../support/skip.js';
import { snapshotTree, diffTrees } from '../reliability/lib/tree.js';
import { createAccountsSandbox, edKey, groupMembers, hasShadowTools, logText, type AccountsSandbox } from './accounts-harness.js';

const run = describeIf(isRoot() && hasShadowTools(), 'needs root (chown to other uids) and the shadow tools');
const MALLORY = 1600;
const VICTIM = 1700;

function addAccount(box: AccountsSandbox, name: string, uid: number): void {
  writeFileSync(box.path('etc/passwd'), `${box.read('etc/passwd')}${name}:x:${uid}:${uid}::/home/${name}:/bin/bash\n`);
  writeFileSync(box.path('etc/shadow'), `${box.read('etc/shadow')}${name}:*:19000:0:99999:7:::\n`);
  writeFileSync(box.path('etc/group'), `${box.read('etc/group')}${name}:x:${uid}:\n`);
  writeFileSync(box.path('etc/gshadow'), `${box.read('etc/gshadow')}${name}:!::\n`);
  mkdirSync(box.path(`home/${name}`), { mode: 0o755 });
  chownSync(box.path(`home/${name}`), uid, uid);
}

run('hostile: a user who prepares /var/lib/google', () => {
  let box: AccountsSandbox;
  beforeEach(() => {
    box = createAccountsSandbox();
    addAccount(box, 'mallory', MALLORY);
    addAccount(box, 'victim', VICTIM);
  });
  afterEach(() => box.cleanup());
  const meta = { instance: { 'ssh-keys': `victim:${edKey('v')}\nmallory:${edKey('m')}` } };

  it('ignores a user-owned state directory: a listed adopted account gets no configured groups and is never deleted', async () => {
    rmSync(box.path('var/lib/google'), { recursive: true });
    mkdirSync(box.path('var/lib/google'), { mode: 0o755 });
    chownSync(box.path('var/lib/google'), MALLORY, MALLORY);
    writeFileSync(box.path('var/lib/google/google_users.created'), 'victim\n');
    chownSync(box.path('var/lib/google/google_users.created'), MALLORY, MALLORY);
    await box.pass(meta, { accounts: { deprovisionRemove: true, groups: ['adm', 'video'] } });
    expect(groupMembers(box, 'adm')).toEqual([]);
    expect(groupMembers(box, 'video')).toEqual([]);
    expect(logText(box)).toMatch(/var\/lib\/google/);
    await box.pass({}, { accounts: { deprovisionRemove: true } });
    expect(box.read('etc/passwd')).toMatch(/^victim:/m);
  });

  it('does not read a state file that is a symlink to a file the user controls', async () => {
    writeFileSync(box.path('home/mallory/created'), 'victim\n');
    chownSync(box.path('home/mallory/created'), MALLORY, MALLORY);
    symlinkSync('../../../home/mallory/created', box.path('var/lib/google/google_users.created'));
    await box.pass(meta, { accounts: { deprovisionRemove: true, groups: ['adm'] } });
    expect(groupMembers(box, 'adm')).toEqual([]);
    await box.pass({}, { accounts: { deprovisionRemove: true } });
    expect(box.read('etc/passwd')).toMatch(/^victim:/m);
  });

  it('does not follow /var/lib/google when it is a symlink into a home', async () => {
    rmSync(box.path('var/lib/google'), { recursive: true });
    mkdirSync(box.path('home/mallory/state'));
    chownSync(box.path('home/mallory/state'), MALLORY, MALLORY);
    writeFileSync(box.path('home/mallory/state/google_users.created'), 'victim\n');
    symlinkSync('../../home/mallory/state', box.path('var/lib/google'));
    await box.pass(meta, { accounts: { deprovisionRemove: true, groups: ['adm'] } });
    expect(groupMembers(box, 'adm')).toEqual([]);
    await box.pass({}, { accounts: { deprovisionRemove: true } });
    expect(box.read('etc/passwd')).toMatch(/^victim:/m);
  });
});

/** Starts a shell loop as the attacker (root here, to be able to plant anything). */
function flipper(script: string): ChildProcess {
  return spawn('bash', ['-c', `while :; do ${script}; done`], { stdio: 'ignore' });
}

run('hostile: races between the check and the write', () => {
  let box: AccountsSandbox;
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    box = createAccountsSandbox();
    addAccount(box, 'mallory', MALLORY);
    await box.pass({ instance: { 'ssh-keys': `mallory:${edKey('m0')}` } });
  });
  afterEach(async () => {
    child?.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 50));
    box.cleanup();
  });

  const passes = async (n: number): Promise<void> => {
    for (let i = 1; i <= n; i += 1) await box.pass({ instance: { 'ssh-keys': `mallory:${edKey(`m${i}`)}` } });
  };
  const outside = (): Map<string, string> => snapshotTree(box.root, (p) => p === 'home' || p === 'var' || p.startsWith('var/'));

  it('~/.ssh flipping to a symlink at /etc never lets a write land in /etc (100 passes)', async () => {
    const before = outside();
    const home = box.path('home/mallory');
    child = flipper(`mv ${home}/.ssh ${home}/real 2>/dev/null; ln -s ../../etc ${home}/.ssh 2>/dev/null; rm -f ${home}/.ssh; mv ${home}/real ${home}/.ssh 2>/dev/null`);
    await passes(100);
    expect(diffTrees(before, outside())).toEqual([]);
  });

  it('authorized_keys flipping to a symlink and a hard link to /etc/shadow never changes /etc/shadow (100 passes)', async () => {
    const before = outside();
    const f = box.path('home/mallory/.ssh/authorized_keys');
    child = flipper(`mv ${f} ${f}.x 2>/dev/null; ln -s ${box.path('etc/shadow')} ${f} 2>/dev/null; rm -f ${f}; ln ${box.path('etc/shadow')} ${f} 2>/dev/null; rm -f ${f}; mv ${f}.x ${f} 2>/dev/null`);
    await passes(100);
    expect(diffTrees(before, outside())).toEqual([]);
  });
});
