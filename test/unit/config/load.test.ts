import { DEFAULT_CONFIG, configWith } from '../../../ts/config/defaults.js';
import { configWriteDeps, loadConfig, writeGeneratedConfig } from '../../../ts/config/load.js';
import { ConfigError } from '../../../ts/core/errors.js';
import { createMemoryLogger } from '../../../ts/core/logger.js';
import { FakeFs, FakeLocks } from '../../support/fake-fs.js';
import { fixtureFiles } from './fixtures.js';

const CFG = '/etc/default/instance_configs.cfg';
const TEMPLATE = `${CFG}.template`;
const DISTRO = `${CFG}.distro`;
const RECORD = '/var/lib/google/instance_configs.generated';
const LOCK = '/var/lock/google_instance_configs.lock';

function machine(files: Record<string, string> = {}): { fs: FakeFs; locks: FakeLocks } {
  const fs = new FakeFs(files);
  return { fs, locks: new FakeLocks(fs) };
}

describe('loadConfig', () => {
  it('gives the built-in defaults, with no warnings, when no file exists', async () => {
    expect(await loadConfig(new FakeFs())).toEqual({ config: DEFAULT_CONFIG, warnings: [] });
  });

  it('layers the files of a fixture and reports parse and value warnings together', async () => {
    const fs = new FakeFs({
      ...fixtureFiles('layered'),
      [DISTRO]: '[Accounts]\ngroups = adm,dip\nno delimiter here\n[IpForwarding]\nethernet_proto_id = zero\n',
    });
    const { config, warnings } = await loadConfig(fs);
    expect(config).toEqual(
      configWith({
        accounts: { groups: ['adm', 'video'] },
        daemons: { clockSkewDaemon: false },
        ipForwarding: { ethernetProtoId: 12 },
      }),
    );
    expect(warnings).toEqual([
      expect.stringMatching(/^\/etc\/default\/instance_configs\.cfg\.distro:3: ignored "no delimiter here"/),
      expect.stringMatching(/^\/etc\/default\/instance_configs\.cfg\.template: unknown section \[Site\]/),
    ]);
  });

  it('names file, section, option and value of an invalid value', async () => {
    const { warnings } = await loadConfig(new FakeFs({ [CFG]: '[Accounts]\ndeprovision_remove = sure\n' }));
    expect(warnings).toEqual([
      `${CFG}: [Accounts] deprovision_remove = "sure" is not a boolean (true/false, yes/no, on/off, 1/0); using the default "false"`,
    ]);
  });

  it('skips an unreadable layer with a warning instead of failing', async () => {
    const fs = new FakeFs({ [TEMPLATE]: '[Daemons]\naccounts_daemon = off\n', [CFG]: '[Daemons]\nclock_skew_daemon = off\n' });
    fs.unreadable.add(TEMPLATE);
    const { config, warnings } = await loadConfig(fs);
    expect(config.daemons).toEqual({ accountsDaemon: true, clockSkewDaemon: false, ipForwardingDaemon: true });
    expect(warnings).toEqual([expect.stringMatching(/^\/etc\/default\/instance_configs\.cfg\.template: could not be read \(EACCES/)]);
  });

  it('logs which layers it read at DEBUG only, and never the warnings themselves', async () => {
    const { log, sink } = createMemoryLogger('instance-setup');
    await loadConfig(new FakeFs({ [CFG]: '[Nope]\n' }), log);
    expect(sink.records.map((r) => r.level)).toEqual(['debug', 'debug', 'debug']);
  });
});

describe('writeGeneratedConfig', () => {
  it('writes the cfg 0644 and the record 0600 under the config lock, with one audit line each', async () => {
    const { fs, locks } = machine({ [DISTRO]: '[Accounts]\ngroups = adm\n' });
    const { log, sink } = createMemoryLogger('instance-setup');
    expect(await writeGeneratedConfig(configWriteDeps({ fs, locks }), { instanceId: '123', log })).toBe(true);
    expect(fs.writes).toEqual([
      { path: CFG, mode: 0o644, locksHeld: [LOCK] },
      { path: RECORD, mode: 0o600, locksHeld: [LOCK] },
    ]);
    expect(locks.taken).toEqual([LOCK]);
    expect(fs.text(CFG)).toMatch(/^# This file is automatically created at boot time/);
    expect(fs.text(CFG)).toContain('\n[Instance]\ninstance_id = 123\n');
    expect(fs.dirs.has('/var/lib/google')).toBe(true);
    const lines = sink.records.filter((r) => r.level === 'info').map((r) => r.message);
    expect(lines).toEqual([
      `applied write-config path=${CFG}`,
      'applied create-dir path=/var/lib/google',
      `applied write-config path=${RECORD}`,
    ]);
  });

  it('does not rewrite an unchanged configuration', async () => {
    const { fs, locks } = machine(fixtureFiles('upgrade-2016'));
    const deps = configWriteDeps({ fs, locks });
    expect(await writeGeneratedConfig(deps)).toBe(true);
    const after = fs.writes.length;
    const { log, sink } = createMemoryLogger();
    expect(await writeGeneratedConfig(deps, { log })).toBe(false);
    expect(fs.writes.length).toBe(after);
    expect(sink.records).toEqual([]);
  });

  it("keeps an administrator's edit made between boots and rewrites only what changed", async () => {
    const { fs, locks } = machine();
    const deps = configWriteDeps({ fs, locks });
    await writeGeneratedConfig(deps, { instanceId: '9' });
    fs.put(CFG, (fs.text(CFG) ?? '').replace('deprovision_remove = false', 'deprovision_remove = true'));
    fs.writes.length = 0;
    expect(await writeGeneratedConfig(deps)).toBe(true);
    expect(fs.writes.map((w) => w.path)).toEqual([RECORD]);
    expect((await loadConfig(fs)).config.accounts.deprovisionRemove).toBe(true);
    expect(await writeGeneratedConfig(deps)).toBe(false);
  });

  it('writes nothing and rejects with a ConfigError when an input cannot be read', async () => {
    const { fs, locks } = machine({ [CFG]: '[Accounts]\ngroups = mine\n' });
    fs.unreadable.add(TEMPLATE);
    await expect(writeGeneratedConfig(configWriteDeps({ fs, locks }))).rejects.toBeInstanceOf(ConfigError);
    expect(fs.writes).toEqual([]);
  });

  it('serialises concurrent runs through the lock', async () => {
    const { fs, locks } = machine();
    const deps = configWriteDeps({ fs, locks });
    const results = await Promise.all([writeGeneratedConfig(deps), writeGeneratedConfig(deps)]);
    expect(results).toEqual([true, false]);
    expect(fs.writes.map((w) => w.path)).toEqual([CFG, RECORD]);
  });

  it('logs the merge warnings it alone can see', async () => {
    const { fs, locks } = machine();
    const { log, sink } = createMemoryLogger();
    await writeGeneratedConfig(configWriteDeps({ fs, locks }), { instanceId: 'abc', log });
    expect(sink.records.filter((r) => r.level === 'warn').map((r) => r.message)).toEqual([
      expect.stringMatching(/instance id "abc" is not a decimal number/),
    ]);
  });
});
