/**
 * Accounts feature against a real temp machine root with the real shadow tools
 * (`useradd --prefix` etc.): behaviour spec §5.11. Each test builds its own root.
 */
import { mkdirSync, chownSync, chmodSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { describeIf, isRoot } from '../support/skip.js';
import {
  createAccountsSandbox,
  edKey,
  groupMembers,
  hasShadowTools,
  logText,
  passwdEntry,
  statOf,
  type AccountsSandbox,
} from './accounts-harness.js';

const run = describeIf(isRoot() && hasShadowTools(), 'needs root and useradd/usermod/userdel/groupadd');

const A1 = edKey('a1');
const A2 = edKey('a2');
const B1 = edKey('b1');
const keysOf = (box: AccountsSandbox, user: string): string => box.read(`home/${user}/.ssh/authorized_keys`);
const blob = (key: string): string => key.split(' ')[1] ?? '';

run('accounts against a sandbox root (useradd --prefix)', () => {
  let box: AccountsSandbox;
  beforeEach(() => {
    box = createAccountsSandbox();
  });
  afterEach(() => box.cleanup());

  it('creates a metadata user with groups, keys, state files and the sudoers file', async () => {
    const r = await box.pass({ instance: { 'ssh-keys': `alice:${A1}` } });
    expect(r.report.failed).toEqual([]);
    const useradd = box.runner.calls.find((c) => c[0] === 'useradd');
    expect(useradd).toEqual(['useradd', '--prefix', box.root, '-m', '-s', '/bin/bash', '-p', '*', 'alice']);
    const alice = passwdEntry(box, 'alice');
    expect(alice).toMatchObject({ home: '/home/alice', shell: '/bin/bash' });
    expect(box.read('etc/shadow')).toMatch(/^alice:\*:/m);
    // Configured groups that exist (adm, dip, plugdev, video) plus google-sudoers; docker/lxd are never created.
    for (const g of ['adm', 'dip', 'plugdev', 'video', 'google-sudoers']) expect(groupMembers(box, g)).toContain('alice');
    expect(groupMembers(box, 'docker')).toBeUndefined();
    expect(groupMembers(box, 'lxd')).toBeUndefined();
    const lines = keysOf(box, 'alice').split('\n');
    expect(lines.slice(-3)).toEqual(['# Added by Google', A1, '']);
    expect(statOf(box, 'home/alice/.ssh/authorized_keys')).toMatchObject({ mode: 0o600, uid: alice?.uid, gid: alice?.gid });
    expect(statOf(box, 'home/alice/.ssh')).toMatchObject({ mode: 0o700, uid: alice?.uid, gid: alice?.gid });
    expect(box.read('var/lib/google/google_users')).toBe('alice\n');
    expect(box.read('var/lib/google/google_users.created')).toBe('alice\n');
    expect(statOf(box, 'var/lib/google/google_users')).toMatchObject({ mode: 0o600, uid: 0, gid: 0 });
    expect(statOf(box, 'var/lib/google')).toMatchObject({ mode: 0o755 });
    expect(box.read('etc/sudoers.d/google_sudoers')).toBe('%google-sudoers ALL=(ALL:ALL) NOPASSWD:ALL\n');
    expect(statOf(box, 'etc/sudoers.d/google_sudoers')).toMatchObject({ mode: 0o440, uid: 0, gid: 0 });
    // One audit line per applied action, and no key material in any line.
    const applied = box.sink.lines().filter((l) => l.includes(' applied '));
    expect(applied).toEqual([
      'google-accounts: INFO applied create-group group=google-sudoers',
      'google-accounts: INFO applied write-sudoers path=/etc/sudoers.d/google_sudoers',
      'google-accounts: INFO applied create-user user=alice',
      'google-accounts: INFO applied set-initial-groups user=alice groups=adm,dip,plugdev,video,google-sudoers',
      'google-accounts: INFO applied write-keys user=alice keys=1',
      'google-accounts: INFO applied write-state file=google_users users=1',
    ]);
    expect(logText(box)).not.toContain(blob(A1));
  });

  it('plans nothing, spawns nothing and writes nothing on a second pass', async () => {
    const meta = { instance: { 'ssh-keys': `alice:${A1}\nbob:${B1}` } };
    await box.pass(meta);
    const watched = ['etc/passwd', 'etc/group', 'etc/gshadow', 'home/alice/.ssh/authorized_keys', 'var/lib/google/google_users', 'var/lib/google/google_users.created', 'etc/sudoers.d/google_sudoers'];
    const before = watched.map((p) => statOf(box, p).mtimeMs);
    const spawned = box.runner.spawned();
    const lines = box.sink.records.length;
    const r = await box.pass(meta);
    expect(r.planned).toEqual([]);
    expect(box.runner.spawned()).toBe(spawned);
    expect(watched.map((p) => statOf(box, p).mtimeMs)).toEqual(before);
    expect(box.sink.records.length).toBe(lines);
  });

  it('converges a later change (one key removed, one user added) in one pass', async () => {
    await box.pass({ instance: { 'ssh-keys': `alice:${A1}\nalice:${A2}` } });
    const meta = { instance: { 'ssh-keys': `alice:${A2}\nbob:${B1}` } };
    const r = await box.pass(meta);
    expect(r.report.failed).toEqual([]);
    expect(keysOf(box, 'alice')).toBe(`# Added by Google\n${A2}\n`);
    expect(keysOf(box, 'bob')).toBe(`# Added by Google\n${B1}\n`);
    expect(box.read('var/lib/google/google_users')).toBe('alice\nbob\n');
    expect(await box.plan(meta)).toEqual([]);
  });

  it('keeps the user\'s own lines, removes only Google lines on removal, and restores on re-adding', async () => {
    await box.pass({ instance: { 'ssh-keys': `alice:${A1}` } });
    const own = 'ssh-rsa AAAAB3NzaC1yc2Eown alice@laptop\r\n# my note';
    const p = box.path('home/alice/.ssh/authorized_keys');
    const alice = passwdEntry(box, 'alice');
    writeFileSync(p, `${own}\n# Added by Google\n${A1}\n`);
    chownSync(p, alice?.uid ?? 0, alice?.gid ?? 0);
    await box.pass({ instance: { 'ssh-keys': `alice:${A2}` } });
    expect(keysOf(box, 'alice')).toBe(`${own}\n# Added by Google\n${A2}\n`);
    const r = await box.pass({});
    expect(r.report.failed).toEqual([]);
    expect(keysOf(box, 'alice')).toBe(`${own}\n`);
    expect(groupMembers(box, 'google-sudoers')).toEqual([]);
    expect(groupMembers(box, 'adm')).toContain('alice');
    expect(passwdEntry(box, 'alice')).toEqual(alice);
    expect(existsSync(box.path('home/alice'))).toBe(true);
    expect(box.read('var/lib/google/google_users')).toBe('');
    expect(box.read('var/lib/google/google_users.created')).toBe('alice\n');
    await box.pass({ instance: { 'ssh-keys': `alice:${A1}` } });
    expect(keysOf(box, 'alice')).toBe(`${own}\n# Added by Google\n${A1}\n`);
    expect(groupMembers(box, 'google-sudoers')).toEqual(['alice']);
    expect(box.runner.calls.filter((c) => c[0] === 'useradd')).toHaveLength(1);
  });

  it('with deprovision_remove deletes a created account and its home, never an adopted one', async () => {
    addLocalUser(box, 'carol', 1500);
    const cfg = { accounts: { deprovisionRemove: true } };
    await box.pass({ instance: { 'ssh-keys': `alice:${A1}\ncarol:${B1}` } }, cfg);
    expect(box.read('var/lib/google/google_users.created')).toBe('alice\n');
    const r = await box.pass({}, cfg);
    expect(r.report.failed).toEqual([]);
    expect(passwdEntry(box, 'alice')).toBeUndefined();
    expect(existsSync(box.path('home/alice'))).toBe(false);
    expect(box.runner.calls.find((c) => c[0] === 'userdel')).toEqual(['userdel', '--prefix', box.root, '-r', 'alice']);
    expect(passwdEntry(box, 'carol')).toMatchObject({ uid: 1500 });
    expect(keysOf(box, 'carol')).toBe('');
    expect(box.read('var/lib/google/google_users.created')).toBe('');
    expect(box.read('var/lib/google/google_users')).toBe('');
  });

  it('adopts a pre-existing local account: keeps UID, own keys and groups; gains and then loses only Google things', async () => {
    addLocalUser(box, 'dave', 1700);
    const own = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIdaveown dave@home\n';
    mkdirSync(box.path('home/dave/.ssh'), { mode: 0o700 });
    chownSync(box.path('home/dave/.ssh'), 1700, 1700);
    writeFileSync(box.path('home/dave/.ssh/authorized_keys'), own, { mode: 0o600 });
    chownSync(box.path('home/dave/.ssh/authorized_keys'), 1700, 1700);
    addMember(box, 'users', 'dave');
    const before = passwdEntry(box, 'dave');
    await box.pass({ instance: { 'ssh-keys': `dave:${A1}` } });
    expect(passwdEntry(box, 'dave')).toEqual(before);
    expect(keysOf(box, 'dave')).toBe(`${own}# Added by Google\n${A1}\n`);
    expect(groupMembers(box, 'google-sudoers')).toEqual(['dave']);
    expect(groupMembers(box, 'users')).toEqual(['dave']);
    expect(groupMembers(box, 'adm')).toEqual([]);
    expect(box.runner.calls.filter((c) => ['useradd', 'usermod', 'userdel'].includes(c[0] ?? ''))).toEqual([]);
    expect(existsSync(box.path('var/lib/google/google_users.created'))).toBe(false);
    await box.pass({}, { accounts: { deprovisionRemove: true } });
    expect(passwdEntry(box, 'dave')).toEqual(before);
    expect(keysOf(box, 'dave')).toBe(own);
    expect(groupMembers(box, 'google-sudoers')).toEqual([]);
    expect(groupMembers(box, 'users')).toEqual(['dave']);
  });

  it('leaves excluded accounts (root, a nologin system account with home /usr/sbin) completely alone', async () => {
    const homes = ['root', 'usr/sbin'].map((h) => ({ h, st: statOf(box, h), entries: readdirSync(box.path(h)) }));
    const group = box.read('etc/group');
    await box.pass({ instance: { 'ssh-keys': `root:${A1}\ndaemon:${A2}` } });
    for (const { h, st, entries } of homes) {
      expect(statOf(box, h)).toMatchObject({ mode: st.mode, uid: st.uid, gid: st.gid });
      expect(readdirSync(box.path(h))).toEqual(entries);
      expect(existsSync(box.path(`${h}/.ssh`))).toBe(false);
    }
    expect(box.read('etc/group')).toBe(`${group}google-sudoers:x:1000:\n`);
    // Nothing is managed, so no state file is written at all.
    expect(existsSync(box.path('var/lib/google/google_users'))).toBe(false);
    expect(logText(box)).toMatch(/not managing user root: uid 0/);
    expect(logText(box)).toMatch(/not managing user daemon: uid 1 is below UID_MIN 1000/);
  });

  it('skips invalid names while provisioning valid ones in the same value', async () => {
    const bad = ['-badstart', 'bad user', 'bad$', 'a'.repeat(40), 'bad/slash', '.', '..', ''].map((n) => `${n}:${A1}`);
    const value = [...bad, 'no colon here', `good.user:${A1}`, `valid_2:${A2}`].join('\n');
    const r = await box.pass({ instance: { 'ssh-keys': value } });
    expect(r.report.failed).toEqual([]);
    const names = box.read('etc/passwd').split('\n').filter(Boolean).map((l) => l.split(':')[0]);
    expect(names).toEqual(['root', 'daemon', 'sshd', 'good.user', 'valid_2']);
    const homes = box.read('etc/passwd').split('\n').filter(Boolean).map((l) => l.split(':')[5]);
    expect(homes).not.toContain('/home');
    expect(homes).not.toContain('/');
    expect(box.sink.lines().filter((l) => l.includes('WARNING ignoring instance ssh-keys'))).toHaveLength(9);
  });

  it('ignores expired keys, keeps future/malformed/absent expiry, and revokes a key that expires while running', async () => {
    const t0 = new Date('2030-01-01T00:00:00Z');
    const exp = (tag: string, when: string): string => edKey(tag, `google-ssh {"userName":"x@y.z","expireOn":"${when}"}`);
    const soon = exp('s1', '2030-01-01T00:00:30+0000');
    const value = [
      `old:${exp('o1', '2029-12-31T23:59:59Z')}`,
      `fut:${exp('f1', '2031-01-01T00:00:00Z')}`,
      `mal:${exp('m1', 'not a time')}`,
      `abs:${edKey('n1', 'google-ssh {"userName":"x@y.z"}')}`,
      `soon:${soon}`,
    ].join('\n');
    const meta = { instance: { 'ssh-keys': value } };
    await box.pass(meta, {}, t0);
    expect(passwdEntry(box, 'old')).toBeUndefined();
    for (const u of ['fut', 'mal', 'abs', 'soon']) expect(keysOf(box, u)).toContain('# Added by Google');
    // Same metadata, one watch period later: the key lapsed, so soon's Google lines and sudo go.
    const r = await box.pass(meta, {}, new Date(t0.getTime() + 60_000));
    expect(r.planned.map((a) => a.kind)).toEqual(['remove-keys', 'remove-group-member', 'write-state']);
    expect(keysOf(box, 'soon')).toBe('');
    expect(groupMembers(box, 'google-sudoers')).not.toContain('soon');
  });

  it('merges instance and project keys and follows block-project-ssh-keys and legacy sshKeys', async () => {
    const project = { 'ssh-keys': `pat:${B1}` };
    await box.pass({ instance: { 'ssh-keys': `alice:${A1}` }, project });
    expect(box.read('var/lib/google/google_users')).toBe('alice\npat\n');
    await box.pass({ instance: { 'ssh-keys': `alice:${A1}`, 'block-project-ssh-keys': 'TRUE' }, project });
    expect(box.read('var/lib/google/google_users')).toBe('alice\n');
    expect(keysOf(box, 'pat')).toBe('');
    await box.pass({ instance: { 'ssh-keys': `alice:${A1}`, 'block-project-ssh-keys': 'false' }, project });
    expect(keysOf(box, 'pat')).toBe(`# Added by Google\n${B1}\n`);
    await box.pass({ instance: { sshKeys: `leg:${A2}` }, project });
    expect(box.read('var/lib/google/google_users')).toBe('leg\n');
  });

  it('warns once about enable-oslogin and keeps provisioning', async () => {
    const meta = { instance: { 'enable-oslogin': 'TRUE', 'ssh-keys': `alice:${A1}` } };
    await box.pass(meta);
    await box.pass(meta);
    expect(box.sink.lines().filter((l) => l.includes('WARNING enable-oslogin'))).toHaveLength(1);
    expect(keysOf(box, 'alice')).toContain(A1);
  });

  it('never creates missing configured groups and keeps memberships added by someone else', async () => {
    const meta = { instance: { 'ssh-keys': `alice:${A1}` } };
    await box.pass(meta, { accounts: { groups: ['adm', 'docker'] } });
    expect(groupMembers(box, 'docker')).toBeUndefined();
    addMember(box, 'users', 'alice');
    await box.pass(meta, { accounts: { groups: ['adm', 'docker'] } });
    expect(groupMembers(box, 'users')).toEqual(['alice']);
    // A group created later is picked up with one membership addition (no usermod -G).
    appendGroup(box, 'docker', 1999);
    const r = await box.pass(meta, { accounts: { groups: ['adm', 'docker'] } });
    expect(r.planned).toEqual([{ kind: 'add-group-member', user: 'alice', group: 'docker' }]);
    expect(groupMembers(box, 'docker')).toEqual(['alice']);
    expect(box.read('etc/gshadow')).toMatch(/^docker:!::alice$/m);
    expect(box.runner.calls.filter((c) => c[0] === 'usermod')).toHaveLength(1);
  });

  it('never rewrites an existing sudoers file and recreates it and the group when removed', async () => {
    mkdirSync(box.path('etc/sudoers.d'), { recursive: true });
    writeFileSync(box.path('etc/sudoers.d/google_sudoers'), '# edited by admin\n', { mode: 0o440 });
    await box.pass({});
    expect(box.read('etc/sudoers.d/google_sudoers')).toBe('# edited by admin\n');
    writeFileSync(box.path('etc/group'), box.read('etc/group').replace(/^google-sudoers:.*\n/m, ''));
    const { rmSync } = await import('node:fs');
    rmSync(box.path('etc/sudoers.d/google_sudoers'));
    const r = await box.pass({});
    expect(r.report.applied.map((a) => a.kind)).toEqual(['create-group', 'write-sudoers']);
    expect(box.read('etc/sudoers.d/google_sudoers')).toBe('%google-sudoers ALL=(ALL:ALL) NOPASSWD:ALL\n');
    expect(groupMembers(box, 'google-sudoers')).toEqual([]);
  });
});

/** Appends a local account (passwd, shadow, group, home) as an administrator would. */
function addLocalUser(box: AccountsSandbox, name: string, uid: number): void {
  writeFileSync(box.path('etc/passwd'), `${box.read('etc/passwd')}${name}:x:${uid}:${uid}::/home/${name}:/bin/bash\n`);
  writeFileSync(box.path('etc/shadow'), `${box.read('etc/shadow')}${name}:!:19000:0:99999:7:::\n`);
  appendGroup(box, name, uid);
  mkdirSync(box.path(`home/${name}`), { mode: 0o750 });
  chownSync(box.path(`home/${name}`), uid, uid);
  chmodSync(box.path(`home/${name}`), 0o750);
}

function appendGroup(box: AccountsSandbox, name: string, gid: number): void {
  writeFileSync(box.path('etc/group'), `${box.read('etc/group')}${name}:x:${gid}:\n`);
  writeFileSync(box.path('etc/gshadow'), `${box.read('etc/gshadow')}${name}:!::\n`);
}

function addMember(box: AccountsSandbox, group: string, user: string): void {
  const edit = (text: string): string =>
    text.replace(new RegExp(`^(${group}:[^:]*:[^:]*:)(.*)$`, 'm'), (_m, head: string, members: string) => `${head}${members ? `${members},` : ''}${user}`);
  writeFileSync(box.path('etc/group'), edit(box.read('etc/group')));
  writeFileSync(box.path('etc/gshadow'), edit(box.read('etc/gshadow')));
}
