/**
 * Instance setup's host keys against the metadata emulator on 127.0.0.1 and a sandbox root
 * (behaviour spec §8.5): real ssh-keygen, first-boot detection from the id records, publication
 * to guest attributes with the status policy, per-type failures, the EL ssh_keys layout.
 * Every test builds its own root and emulator and removes them.
 */
import { readdirSync, statSync } from 'node:fs';
import { startEmulator, type Emulator } from '../../ts/emulator/index.js';
import { getMetadataPath } from '../support/emulator.js';
import { describeIf, isRoot } from '../support/skip.js';
import {
  LIGHT_TYPES,
  appliedLines,
  base64Of,
  createSetupSandbox,
  documentWith,
  hasSshKeygen,
  keyFiles,
  keyTypeOf,
  makeKeyFixture,
  putPaths,
  type KeyFixture,
  type SetupSandbox,
} from './instance-setup-harness.js';

const run = describeIf(hasSshKeygen(), 'needs OpenSSH ssh-keygen on PATH');

const ALL_TYPES = ['ecdsa', 'ed25519', 'rsa'];
const TYPES = [...LIGHT_TYPES];

run('instance setup host keys against the emulator and a sandbox root', () => {
  let keys: KeyFixture;
  let box: SetupSandbox;
  let emu: Emulator | undefined;
  beforeAll(() => {
    keys = makeKeyFixture();
  });
  beforeEach(() => {
    box = createSetupSandbox(keys);
  });
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
    box.cleanup();
  });

  it('first boot regenerates every existing type plus host_key_types, publishes each key and records the id', async () => {
    box.cleanup();
    box = createSetupSandbox(keys, { full: true });
    emu = await startEmulator({ document: documentWith('123') });
    const TYPES = ALL_TYPES;
    const before = keyFiles(box, ['ed25519']);
    const { result, lines } = await box.boot(emu);
    expect(result.exitCode).toBe(0);
    expect(result.metadata).toBe('read');
    expect(result.regenerated).toEqual(TYPES);
    expect(result.recordedId).toBe('123');
    const after = keyFiles(box, TYPES);
    expect(after['rsa']).not.toBe(before['rsa']);
    expect(after['ed25519']).not.toBe(before['ed25519']);
    for (const t of TYPES) {
      expect(after[t]).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
      expect(statSync(box.path(`/etc/ssh/ssh_host_${t}_key`)).mode & 0o777).toBe(0o600);
      expect(statSync(box.path(`/etc/ssh/ssh_host_${t}_key.pub`)).mode & 0o777).toBe(0o644);
      // Published: the emulator holds the base64 of the new public key under its key type.
      const pub = after[`${t}.pub`] ?? '';
      const got = await getMetadataPath(emu, `instance/guest-attributes/hostkeys/${keyTypeOf(pub)}`);
      expect(got.status).toBe(200);
      expect(got.body).toBe(base64Of(pub));
    }
    expect(putPaths(emu)).toHaveLength(ALL_TYPES.length);
    // No temp files left behind in /etc/ssh.
    expect(readdirSync(box.path('/etc/ssh')).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(box.read('/etc/default/instance_configs.cfg')).toMatch(/^\[Instance\]\ninstance_id = 123$/m);
    expect(appliedLines(lines)).toEqual(
      expect.arrayContaining([
        'instance-setup: INFO applied regenerate-host-key type=ecdsa',
        'instance-setup: INFO applied regenerate-host-key type=ed25519',
        'instance-setup: INFO applied regenerate-host-key type=rsa',
        'instance-setup: INFO applied publish-host-key key=hostkeys/ssh-ed25519',
        'instance-setup: INFO applied write-file path=/etc/boto.cfg',
        'instance-setup: INFO applied write-config path=/etc/default/instance_configs.cfg',
      ]),
    );
    // Key material never reaches the log.
    expect(lines.join('\n')).not.toContain(base64Of(after['ed25519.pub'] ?? ''));
    expect(lines[lines.length - 1]).toMatch(/^instance-setup: INFO instance setup finished in \d+ ms$/);
  });

  it('a second boot with the same id leaves keys byte-identical and rewrites nothing', async () => {
    emu = await startEmulator({ document: documentWith('123') });
    await box.boot(emu);
    const keysBefore = keyFiles(box, TYPES);
    const cfgMtime = statSync(box.path('/etc/default/instance_configs.cfg')).mtimeMs;
    const botoMtime = statSync(box.path('/etc/boto.cfg')).mtimeMs;
    emu.resetRequests();
    const { result, lines } = await box.boot(emu);
    expect(result.regenerated).toEqual([]);
    expect(result.recordedId).toBe('123');
    expect(keyFiles(box, TYPES)).toEqual(keysBefore);
    expect(statSync(box.path('/etc/default/instance_configs.cfg')).mtimeMs).toBe(cfgMtime);
    expect(statSync(box.path('/etc/boto.cfg')).mtimeMs).toBe(botoMtime);
    expect(result.boto).toBe('unchanged');
    // Publishing again on every boot is allowed (and done).
    expect(putPaths(emu)).toHaveLength(TYPES.length);
    expect(appliedLines(lines).filter((l) => !l.includes('publish-host-key') && !l.includes('run-helper'))).toEqual([]);
  });

  it('a new instance id regenerates the keys', async () => {
    emu = await startEmulator({ document: documentWith('123') });
    await box.boot(emu);
    const first = keyFiles(box, TYPES);
    emu.set({ 'instance/id': '124' });
    const { result } = await box.boot(emu);
    expect(result.regenerated).toEqual(TYPES);
    for (const t of TYPES) expect(box.read(`/etc/ssh/ssh_host_${t}_key`)).not.toBe(first[t]);
    expect(box.read('/etc/default/instance_configs.cfg')).toMatch(/^instance_id = 124$/m);
  });

  it('compares ids above 2^53 exactly', async () => {
    emu = await startEmulator({ document: documentWith('9007199254740993') });
    const r1 = await box.boot(emu);
    expect(r1.result.recordedId).toBe('9007199254740993');
    expect(box.read('/etc/default/instance_configs.cfg')).toMatch(/^instance_id = 9007199254740993$/m);
    const first = keyFiles(box, TYPES);
    // 9007199254740992 is the same double as …993: only a string comparison tells them apart.
    emu.set({ 'instance/id': '9007199254740992' });
    const r2 = await box.boot(emu);
    expect(r2.result.regenerated).toEqual(TYPES);
    expect(box.read('/etc/ssh/ssh_host_ed25519_key')).not.toBe(first['ed25519']);
    emu.set({ 'instance/id': '9007199254740992' });
    const r3 = await box.boot(emu);
    expect(r3.result.regenerated).toEqual([]);
  });

  it('a record only in /etc/google_instance_id counts as this instance', async () => {
    emu = await startEmulator({ document: documentWith('4520031799277581759') });
    box.write('/etc/google_instance_id', '4520031799277581759\n');
    const before = keyFiles(box, ['ed25519']);
    const { result } = await box.boot(emu);
    expect(result.regenerated).toEqual([]);
    expect(keyFiles(box, ['ed25519'])).toEqual(before);
    // The generated cfg now records it too.
    expect(result.recordedId).toBe('4520031799277581759');
  });

  it('guest attributes disabled (403) is one INFO line, one request, and not a failure', async () => {
    emu = await startEmulator({ document: documentWith('123') });
    emu.set({ 'instance/attributes/enable-guest-attributes': 'FALSE' });
    const { result, lines } = await box.boot(emu);
    expect(result.exitCode).toBe(0);
    expect(result.published).toEqual([]);
    expect(putPaths(emu)).toHaveLength(1);
    const info = lines.filter((l) => l.includes('guest attributes are disabled'));
    expect(info).toHaveLength(1);
    expect(info[0]).toMatch(/^instance-setup: INFO /);
    expect(result.recordedId).toBe('123');
  });

  it('5xx answers are retried at most 3 times, then publishing stops without failing the boot', async () => {
    emu = await startEmulator({ document: documentWith('123') });
    emu.fault({ kind: 'status', status: 503, path: 'instance/guest-attributes/' });
    const { result, lines, ms } = await box.boot(emu);
    expect(result.exitCode).toBe(0);
    expect(putPaths(emu)).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('instance-setup: WARNING failed publish-host-key'))).toHaveLength(1);
    expect(ms).toBeLessThan(20_000);
  });

  it('an ssh-keygen failure for one type leaves the others done', async () => {
    emu = await startEmulator({ document: documentWith('123') });
    // A key file of a type ssh-keygen does not know: a real failure of the real tool.
    box.write('/etc/ssh/ssh_host_bogus_key', 'not a key\n', 0o600);
    const { result, lines } = await box.boot(emu);
    expect(result.exitCode).toBe(0);
    expect(result.regenerated).toEqual(TYPES);
    expect(result.failedKeyTypes).toEqual(['bogus']);
    expect(box.read('/etc/ssh/ssh_host_bogus_key')).toBe('not a key\n');
    expect(lines.some((l) => l.startsWith('instance-setup: ERROR failed regenerate-host-key type=bogus: '))).toBe(true);
    expect(lines.some((l) => l.includes('remove the stale key files /etc/ssh/ssh_host_bogus_key'))).toBe(true);
    // bogus is not in host_key_types, so the id is still recorded.
    expect(result.recordedId).toBe('123');
    expect(box.exists('/etc/ssh/ssh_host_bogus_key.pub')).toBe(false);
  });

  it('a failing host_key_types type keeps the id unrecorded', async () => {
    emu = await startEmulator({ document: documentWith('123') });
    box.write('/etc/default/instance_configs.cfg.template', '[InstanceSetup]\nhost_key_types = ed25519,bogus\n');
    const { result, lines } = await box.boot(emu);
    expect(result.exitCode).toBe(0);
    expect(result.regenerated).toEqual(['ed25519']);
    expect(result.failedKeyTypes).toEqual(['bogus']);
    expect(result.recordedId).toBeUndefined();
    expect(box.read('/etc/default/instance_configs.cfg')).toMatch(/^instance_id = 0$/m);
    expect(lines.some((l) => l.includes('instance id 123 not recorded'))).toBe(true);
  });
});

describeIf(hasSshKeygen() && isRoot(), 'needs root (chown to the ssh_keys group) and ssh-keygen')('Enterprise Linux ssh_keys layout', () => {
  it('keeps group ssh_keys and mode 0640 on a regenerated private key', async () => {
    const box = createSetupSandbox(makeKeyFixture(), { full: true });
    const emu = await startEmulator({ document: documentWith('123') });
    try {
      box.write('/etc/group', `${box.read('/etc/group')}ssh_keys:x:998:\n`);
      const { chownSync, chmodSync } = await import('node:fs');
      chownSync(box.path('/etc/ssh/ssh_host_rsa_key'), 0, 998);
      chmodSync(box.path('/etc/ssh/ssh_host_rsa_key'), 0o640);
      const { result } = await box.boot(emu);
      expect(result.regenerated).toContain('rsa');
      const rsa = statSync(box.path('/etc/ssh/ssh_host_rsa_key'));
      expect({ mode: rsa.mode & 0o777, uid: rsa.uid, gid: rsa.gid }).toEqual({ mode: 0o640, uid: 0, gid: 998 });
      const ed = statSync(box.path('/etc/ssh/ssh_host_ed25519_key'));
      expect({ mode: ed.mode & 0o777, gid: ed.gid }).toEqual({ mode: 0o600, gid: 0 });
    } finally {
      await emu.close();
      box.cleanup();
    }
  });
});
