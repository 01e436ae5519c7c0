import { configWith } from '../../../../ts/config/defaults.js';
import { desiredAccounts, keySources, nextExpiry, osLoginRequested } from '../../../../ts/features/accounts/desired.js';
import { parseSnapshot, type MetadataSnapshot } from '../../../../ts/metadata/snapshot.js';

const NOW = new Date('2025-06-01T12:00:00Z');
const k = (n: string): string => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${n} ${n}@example.com`;

function snap(inst: Record<string, string>, proj: Record<string, string> = {}): MetadataSnapshot {
  return parseSnapshot({ instance: { attributes: inst }, project: { attributes: proj } });
}

function users(s: MetadataSnapshot, cfg = configWith({}), now = NOW): Record<string, string[]> {
  const d = desiredAccounts(s, cfg, now);
  return Object.fromEntries(d.users.map((u) => [u.name, u.keys.map((x) => x.text)]));
}

describe('key sources', () => {
  const full = {
    inst: { sshKeys: `a:${k('a')}`, 'ssh-keys': `b:${k('b')}` },
    proj: { 'ssh-keys': `c:${k('c')}`, sshKeys: `d:${k('d')}` },
  };

  it('merges instance and project keys in the 2016 order', () => {
    const s = snap({ 'ssh-keys': `b:${k('b')}` }, full.proj);
    expect(keySources(s).map((x) => x.name)).toEqual(['instance ssh-keys', 'project ssh-keys', 'project sshKeys']);
    expect(users(s)).toEqual({ b: [k('b')], c: [k('c')], d: [k('d')] });
  });

  it('lets an instance sshKeys value hide project keys', () => {
    expect(users(snap(full.inst, full.proj))).toEqual({ a: [k('a')], b: [k('b')] });
  });

  it('treats a blank instance sshKeys as absent', () => {
    expect(Object.keys(users(snap({ sshKeys: '  ' }, full.proj)))).toEqual(['c', 'd']);
  });

  it.each(['true', 'TRUE', 'True', ' yes '])('block-project-ssh-keys=%j hides project keys', (v) => {
    expect(users(snap({ 'ssh-keys': `b:${k('b')}`, 'block-project-ssh-keys': v }, full.proj))).toEqual({ b: [k('b')] });
  });

  it.each(['false', 'FALSE', '', 'maybe'])('block-project-ssh-keys=%j keeps project keys', (v) => {
    expect(Object.keys(users(snap({ 'block-project-ssh-keys': v }, full.proj)))).toEqual(['c', 'd']);
  });

  it('reads block-project-ssh-keys at instance level only', () => {
    expect(Object.keys(users(snap({}, { ...full.proj, 'block-project-ssh-keys': 'true' })))).toEqual(['c', 'd']);
  });

  it('keeps one user\'s keys from several sources in order, without exact duplicates', () => {
    const s = snap({ 'ssh-keys': `alice:${k('1')}\nalice:${k('2')}\nalice:${k('1')}` }, { 'ssh-keys': `alice:${k('3')}\nalice:${k('2')}` });
    expect(users(s)).toEqual({ alice: [k('1'), k('2'), k('3')] });
  });
});

describe('line validation', () => {
  it('provisions valid names while skipping invalid ones in the same value', () => {
    const value = [
      `-badstart:${k('x')}`,
      `bad user:${k('x')}`,
      `bad$:${k('x')}`,
      `${'a'.repeat(40)}:${k('x')}`,
      `bad/slash:${k('x')}`,
      `.:${k('x')}`,
      `..:${k('x')}`,
      `:${k('x')}`,
      'no colon here',
      `good.user:${k('g')}`,
      `valid_2:${k('v')}`,
      '',
    ].join('\n');
    const d = desiredAccounts(snap({ 'ssh-keys': value }), configWith({}), NOW);
    expect(d.users.map((u) => u.name)).toEqual(['good.user', 'valid_2']);
    const warnings = d.problems.filter((p) => p.key.startsWith('reject:'));
    expect(warnings).toHaveLength(9);
    for (const w of warnings) {
      expect(w.level).toBe('warn');
      expect(w.message).not.toContain('AAAA');
    }
    expect(warnings.map((w) => w.message).join('\n')).toContain('"-badstart"');
  });

  it('never yields an injected line from embedded CR, NUL or U+2028', () => {
    const value = `alice:${k('a')}\rroot:${k('r')}\nbob:${k('b')}\u0000\nroot2:${k('c')}\u2028eve:${k('e')}`;
    const u = users(snap({ 'ssh-keys': value }));
    expect(u).toEqual({});
  });

  it('accepts CRLF-separated values', () => {
    expect(users(snap({ 'ssh-keys': `alice:${k('a')}\r\nbob:${k('b')}\r\n` }))).toEqual({ alice: [k('a')], bob: [k('b')] });
  });
});

describe('expiry', () => {
  const exp = (when: string): string => `ssh-rsa AAAAB3Nza${when.replace(/\W/g, '')} google-ssh {"userName":"x@y.z","expireOn":"${when}"}`;

  it('drops expired keys and keeps future ones', () => {
    const s = snap({ 'ssh-keys': `alice:${exp('2025-06-01T11:59:59+0000')}\nalice:${exp('2025-06-01T12:00:01Z')}` });
    expect(users(s)).toEqual({ alice: [exp('2025-06-01T12:00:01Z')] });
  });

  it('does not provision a user whose only key expired', () => {
    expect(users(snap({ 'ssh-keys': `alice:${exp('2020-01-01T00:00:00Z')}` }))).toEqual({});
  });

  it('keeps keys with malformed or absent expiry and reports each once', () => {
    const bad = 'ssh-rsa AAAAB3Nzabad google-ssh {"expireOn":"never"}';
    const noexp = 'ssh-rsa AAAAB3Nzano google-ssh {"userName":"x"}';
    const d = desiredAccounts(snap({ 'ssh-keys': `alice:${bad}\nalice:${noexp}` }), configWith({}), NOW);
    expect(d.users[0]?.keys.map((x) => x.text)).toEqual([bad, noexp]);
    expect(d.problems.filter((p) => p.key.startsWith('expiry:'))).toHaveLength(2);
  });

  it('revokes a key once time passes its expiry, with the same metadata', () => {
    const s = snap({ 'ssh-keys': `alice:${exp('2025-06-01T12:00:30Z')}` });
    expect(Object.keys(users(s, configWith({}), NOW))).toEqual(['alice']);
    expect(Object.keys(users(s, configWith({}), new Date('2025-06-01T12:01:00Z')))).toEqual([]);
  });

  it('nextExpiry names the first instant a desired key lapses', () => {
    const s = snap({ 'ssh-keys': `alice:${exp('2025-06-02T00:00:00Z')}\nbob:${exp('2025-06-01T13:00:00Z')}\ncarol:${k('c')}` });
    const d = desiredAccounts(s, configWith({}), NOW);
    expect(nextExpiry(d)?.toISOString()).toBe('2025-06-01T13:00:00.001Z');
    expect(nextExpiry(desiredAccounts(snap({ 'ssh-keys': `carol:${k('c')}` }), configWith({}), NOW))).toBeUndefined();
  });
});

describe('configuration and OS Login', () => {
  it('keeps valid configured groups and reports invalid ones', () => {
    const d = desiredAccounts(snap({}), configWith({ accounts: { groups: ['adm', '-G', 'docker', 'a,b'] } }), NOW);
    expect(d.groups).toEqual(['adm', 'docker']);
    expect(d.problems.map((p) => p.key)).toEqual(['group:-G', 'group:a,b']);
  });

  it('carries deprovision_remove', () => {
    expect(desiredAccounts(snap({}), configWith({ accounts: { deprovisionRemove: true } }), NOW).deprovisionRemove).toBe(true);
  });

  it.each([
    [{ 'enable-oslogin': 'TRUE' }, {}, true],
    [{}, { 'enable-oslogin': 'true' }, true],
    [{ 'enable-oslogin': 'false' }, { 'enable-oslogin': 'true' }, false],
    [{}, {}, false],
  ])('enable-oslogin instance %j project %j → %s', (inst, proj, want) => {
    const s = snap(inst, proj);
    expect(osLoginRequested(s)).toBe(want);
    const warn = desiredAccounts(s, configWith({}), NOW).problems.filter((p) => p.key === 'oslogin');
    expect(warn).toHaveLength(want ? 1 : 0);
  });

  it('keeps provisioning keys when OS Login is requested', () => {
    expect(users(snap({ 'enable-oslogin': 'true', 'ssh-keys': `alice:${k('a')}` }))).toEqual({ alice: [k('a')] });
  });
});
