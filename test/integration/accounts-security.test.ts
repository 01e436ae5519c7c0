/**
 * Accounts security cases against a real temp machine root: users who plant symlinks or hard
 * links to root-owned files, homes that are symlinks, foreign-owned ~/.ssh, and metadata lines
 * that try to inject extra authorized_keys lines. The targets must stay byte-identical with
 * their owner and mode. All symlink targets stay inside the temp root.
 */
import { chownSync, linkSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync, readdirSync } from 'node:fs';
import { configWith } from '../../ts/config/defaults.js';
import { createAccountsFeature } from '../../ts/features/accounts/accounts.js';
import { parseSnapshot } from '../../ts/metadata/snapshot.js';
import { describeIf, isRoot } from '../support/skip.js';
import { createAccountsSandbox, edKey, groupMembers, hasShadowTools, logText, type AccountsSandbox } from './accounts-harness.js';

const run = describeIf(isRoot() && hasShadowTools(), 'needs root (chown to other uids) and the shadow tools');

const UID = 1600;
const M1 = edKey('m1');

/** A fingerprint of a host path: bytes, mode, owner and inode, read without following a final symlink. */
function fingerprint(p: string): string {
  const st = lstatSync(p);
  const body = st.isDirectory() ? readdirSync(p).join(',') : st.isFile() ? readFileSync(p, 'base64') : '';
  return JSON.stringify([st.mode, st.uid, st.gid, st.ino, st.nlink, body]);
}

function addMallory(box: AccountsSandbox, home: 'dir' | 'none' = 'dir'): void {
  writeFileSync(box.path('etc/passwd'), `${box.read('etc/passwd')}mallory:x:${UID}:${UID}::/home/mallory:/bin/bash\n`);
  writeFileSync(box.path('etc/group'), `${box.read('etc/group')}mallory:x:${UID}:\n`);
  if (home === 'dir') {
    mkdirSync(box.path('home/mallory'), { mode: 0o755 });
    chownSync(box.path('home/mallory'), UID, UID);
  }
}

function userDir(box: AccountsSandbox, p: string): void {
  mkdirSync(box.path(p), { mode: 0o700 });
  chownSync(box.path(p), UID, UID);
}

const meta = { instance: { 'ssh-keys': `mallory:${M1}` } };

run('accounts: hostile users and metadata', () => {
  let box: AccountsSandbox;
  let watched: string[];
  let before: string[];
  beforeEach(async () => {
    box = createAccountsSandbox();
    addMallory(box, 'none');
    // A first pass creates google-sudoers and the sudoers file, so /etc holds still afterwards.
    await box.pass({});
    watched = ['etc', 'etc/shadow', 'etc/passwd', 'etc/sudoers.d', 'root'].map((p) => box.path(p));
  });
  afterEach(() => box.cleanup());
  const snapshot = (): void => {
    before = watched.map(fingerprint);
  };
  const untouched = (): void => {
    expect(watched.map(fingerprint)).toEqual(before);
  };

  it('does not write through ~/.ssh symlinked to a root-owned directory', async () => {
    mkdirSync(box.path('home/mallory'));
    chownSync(box.path('home/mallory'), UID, UID);
    symlinkSync('../../etc', box.path('home/mallory/.ssh'));
    snapshot();
    const r = await box.pass(meta);
    expect(r.planned.map((a) => a.kind)).not.toContain('write-keys');
    untouched();
    expect(readdirSync(box.path('etc'))).not.toContain('authorized_keys');
    expect(lstatSync(box.path('home/mallory/.ssh')).isSymbolicLink()).toBe(true);
    expect(logText(box)).toMatch(/WARNING refusing to touch keys of user mallory/);
  });

  it('does not write through authorized_keys symlinked to /etc/shadow', async () => {
    mkdirSync(box.path('home/mallory'));
    chownSync(box.path('home/mallory'), UID, UID);
    userDir(box, 'home/mallory/.ssh');
    symlinkSync(box.path('etc/shadow'), box.path('home/mallory/.ssh/authorized_keys'));
    snapshot();
    await box.pass(meta);
    untouched();
    expect(lstatSync(box.path('home/mallory/.ssh/authorized_keys')).isSymbolicLink()).toBe(true);
  });

  it('does not read or replace an authorized_keys hard-linked to /etc/shadow', async () => {
    mkdirSync(box.path('home/mallory'));
    chownSync(box.path('home/mallory'), UID, UID);
    userDir(box, 'home/mallory/.ssh');
    linkSync(box.path('etc/shadow'), box.path('home/mallory/.ssh/authorized_keys'));
    watched.push(box.path('home/mallory/.ssh/authorized_keys'));
    snapshot();
    await box.pass(meta);
    untouched();
    expect(statSync(box.path('home/mallory/.ssh/authorized_keys')).ino).toBe(statSync(box.path('etc/shadow')).ino);
  });

  it('does not write when the home itself is a symlink', async () => {
    symlinkSync('../etc', box.path('home/mallory'));
    snapshot();
    await box.pass(meta);
    untouched();
    expect(readdirSync(box.path('etc'))).not.toContain('.ssh');
    expect(logText(box)).toMatch(/home \/home\/mallory is a symlink/);
  });

  it('does not write into a ~/.ssh owned by someone else', async () => {
    mkdirSync(box.path('home/mallory'));
    chownSync(box.path('home/mallory'), UID, UID);
    mkdirSync(box.path('home/mallory/.ssh'), { mode: 0o755 });
    watched.push(box.path('home/mallory/.ssh'));
    snapshot();
    await box.pass(meta);
    untouched();
    expect(readdirSync(box.path('home/mallory/.ssh'))).toEqual([]);
  });

  it('does not follow a symlink swapped in for ~/.ssh between observe and apply', async () => {
    mkdirSync(box.path('home/mallory'));
    chownSync(box.path('home/mallory'), UID, UID);
    userDir(box, 'home/mallory/.ssh');
    const feature = createAccountsFeature();
    const cfg = configWith({});
    const ctx = { cfg, log: box.log };
    const desired = feature.desired(parseSnapshot({ instance: { attributes: meta.instance } }), cfg, new Date());
    const observed = await feature.observe(box.os, desired, ctx);
    const actions = feature.plan(desired, observed, cfg);
    expect(actions.map((a) => a.kind)).toContain('write-keys');
    renameSync(box.path('home/mallory/.ssh'), box.path('home/mallory/real-ssh'));
    symlinkSync('../../etc', box.path('home/mallory/.ssh'));
    snapshot();
    const report = await feature.apply(actions, box.os, ctx);
    untouched();
    expect(report.failed.map((f) => f.action.kind)).toEqual(['write-keys']);
    expect(readdirSync(box.path('home/mallory/real-ssh'))).toEqual([]);
  });

  it('removes nothing through a symlink planted after keys were written, and still revokes sudo', async () => {
    mkdirSync(box.path('home/mallory'));
    chownSync(box.path('home/mallory'), UID, UID);
    await box.pass(meta);
    expect(groupMembers(box, 'google-sudoers')).toEqual(['mallory']);
    rmSync(box.path('home/mallory/.ssh'), { recursive: true });
    symlinkSync('../../etc', box.path('home/mallory/.ssh'));
    snapshot();
    const r = await box.pass({});
    untouched();
    expect(r.planned.map((a) => a.kind)).toEqual(['remove-group-member', 'write-state']);
    expect(groupMembers(box, 'google-sudoers')).toEqual([]);
  });

  it('never turns embedded CR, NUL or newlines in metadata into extra authorized_keys lines', async () => {
    mkdirSync(box.path('home/mallory'));
    chownSync(box.path('home/mallory'), UID, UID);
    const injected = [
      `mallory:${M1}\rroot:${edKey('r1')}`,
      `mallory:${edKey('m2')} x\u0000\n`,
      `mallory:${edKey('m3')} comment\u2028ssh-ed25519 AAAAinjected`,
      `mallory:${edKey('m4')}\r\n`,
      `mallory:command="sh -c 'id'" ${edKey('m5')}`,
      `mallory:# Added by Google`,
    ].join('\n');
    await box.pass({ instance: { 'ssh-keys': injected } });
    const text = box.read('home/mallory/.ssh/authorized_keys');
    expect(text).toBe(`# Added by Google\n${edKey('m4')}\n# Added by Google\ncommand="sh -c 'id'" ${edKey('m5')}\n`);
    expect(text).not.toMatch(/\r|\u0000|injected|root/);
    expect(box.read('etc/passwd')).not.toMatch(/^root:.*\n[\s\S]*^root:/m);
  });
});
