/** Observing /etc/ssh for the host-keys feature, and applying through a fake runner (§8.5). */
import { applyHostKeys, createHostKeysFeature, observeHostKeys } from '../../../../ts/features/instance-setup/host-keys-feature.js';
import { FakeFs } from '../../../support/fake-fs.js';
import { fakeOs } from './fakes.js';

describe('observeHostKeys', () => {
  it('finds private keys with mode and group name, ignores other files, reads both id records', async () => {
    const fs = new FakeFs({
      '/etc/group': 'root:x:0:\nssh_keys:x:998:\n',
      '/etc/ssh/ssh_host_ed25519_key.pub': 'pub',
      '/etc/ssh/ssh_config': '',
      '/etc/ssh/ssh_host__key': '',
      '/etc/default/instance_configs.cfg': '[Instance]\ninstance_id = 5\n',
      '/etc/google_instance_id': '6\n',
    });
    fs.put('/etc/ssh/ssh_host_ed25519_key', 'k', 0o600);
    fs.put('/etc/ssh/ssh_host_rsa_key', 'k', 0o640);
    const rsa = fs.files.get('/etc/ssh/ssh_host_rsa_key');
    if (rsa) rsa.gid = 998;
    const { os } = fakeOs({ fs });
    await expect(observeHostKeys(os)).resolves.toEqual({
      existing: [
        { type: 'ed25519', mode: 0o600, gid: 0, groupName: 'root' },
        { type: 'rsa', mode: 0o640, gid: 998, groupName: 'ssh_keys' },
      ],
      ignoredFiles: ['ssh_host__key'],
      records: { cfgId: '5', fileId: '6' },
    });
  });

  it('sees nothing on a machine without /etc/ssh', async () => {
    const { os } = fakeOs();
    await expect(observeHostKeys(os)).resolves.toEqual({ existing: [], ignoredFiles: [], records: { cfgId: undefined, fileId: undefined } });
  });
});

describe('applyHostKeys', () => {
  it('creates a missing /etc/ssh once (audited) and reports every action', async () => {
    const { os, sink } = fakeOs();
    // FakeFs cannot host ssh-keygen output: generation fails, which is what is asserted per type.
    const report = await applyHostKeys(
      [
        { kind: 'regenerate-host-key', type: 'ed25519', required: true, mode: 0o600 },
        { kind: 'regenerate-host-key', type: 'dsa', required: false, mode: 0o600 },
      ],
      os,
      { log: os.log },
    );
    expect(report.applied).toEqual([]);
    expect(report.failed.map((f) => f.action.type)).toEqual(['ed25519', 'dsa']);
    expect(sink.lines()[0]).toBe('instance-setup: INFO applied create-dir path=/etc/ssh');
    // Only the extra (legacy) type gets the advice to remove its stale files.
    expect(sink.lines().filter((l) => l.includes('remove the stale key files'))).toHaveLength(1);
    expect(sink.lines().some((l) => l.includes('ssh_host_dsa_key{,.pub}'))).toBe(true);
  });

  it('does nothing for an empty plan', async () => {
    const { os, sink, fs } = fakeOs();
    const report = await applyHostKeys([], os, { log: os.log });
    expect(report).toEqual({ applied: [], failed: [], skipped: [] });
    expect(sink.lines()).toEqual([]);
    expect(fs.dirs.has('/etc/ssh')).toBe(false);
  });
});

describe('createHostKeysFeature', () => {
  it('is enabled by set_host_keys and audits only the type', () => {
    const f = createHostKeysFeature();
    expect(f.describe?.({ kind: 'regenerate-host-key', type: 'rsa', required: true, mode: 0o640, gid: 998 })).toEqual({ type: 'rsa' });
    expect(f.id).toBe('host-keys');
  });
});
