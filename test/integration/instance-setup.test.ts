/**
 * Instance setup's other steps against the metadata emulator on 127.0.0.1 and a sandbox root
 * (behaviour spec §8.1–§8.4, §8.6, §2.4): fake helper scripts that record argv/env, boto config,
 * network_enabled, an unreachable server, the instance_configs merge and --dry-run.
 * Every test builds its own root and emulator and removes them.
 */
import { statSync, symlinkSync } from 'node:fs';
import { startEmulator, type Emulator } from '../../ts/emulator/index.js';
import { describeIf } from '../support/skip.js';
import {
  LIGHT_TYPES,
  createSetupSandbox,
  documentWith,
  hasSshKeygen,
  keyFiles,
  makeKeyFixture,
  putPaths,
  type KeyFixture,
  type SetupSandbox,
} from './instance-setup-harness.js';

const run = describeIf(hasSshKeygen(), 'needs OpenSSH ssh-keygen on PATH');

const TYPES = [...LIGHT_TYPES];

run('instance setup against the emulator and a sandbox root', () => {
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

  it('runs both helpers with argv only and the FAKEROOT of the sandbox, logging their output', async () => {
    emu = await startEmulator({ document: documentWith('123') });
    const { result, lines } = await box.boot(emu);
    expect(result.helpers).toEqual({ google_optimize_local_ssd: 'ok', google_set_multiqueue: 'ok' });
    expect(box.helperRecord('google_optimize_local_ssd')).toEqual(['argv=0|', `fakeroot=${box.root}`]);
    expect(box.helperRecord('google_set_multiqueue')).toEqual(['argv=0|', `fakeroot=${box.root}`]);
    expect(lines).toEqual(
      expect.arrayContaining([
        'instance-setup: INFO google_set_multiqueue: google_set_multiqueue stdout line',
        'instance-setup: INFO google_set_multiqueue: google_set_multiqueue stderr line',
        'instance-setup: INFO applied run-helper helper=google_optimize_local_ssd',
      ]),
    );
    // Helpers run before the metadata read (§8.1 order).
    const helperAt = lines.findIndex((l) => l.includes('run-helper helper=google_set_multiqueue'));
    const keysAt = lines.findIndex((l) => l.includes('regenerate-host-key'));
    expect(helperAt).toBeGreaterThanOrEqual(0);
    expect(helperAt).toBeLessThan(keysAt);
  });

  it('a failing helper is one WARNING and the boot goes on', async () => {
    emu = await startEmulator({ document: documentWith('123') });
    process.env['FAKE_GOOGLE_OPTIMIZE_LOCAL_SSD_EXIT'] = '3';
    try {
      const { result, lines } = await box.boot(emu);
      expect(result.exitCode).toBe(0);
      expect(result.helpers['google_optimize_local_ssd']).toBe('failed');
      expect(result.helpers['google_set_multiqueue']).toBe('ok');
      expect(lines).toContain('instance-setup: WARNING failed run-helper helper=google_optimize_local_ssd: exit status 3; boot continues');
      expect(result.regenerated).toEqual(TYPES);
    } finally {
      delete process.env['FAKE_GOOGLE_OPTIMIZE_LOCAL_SSD_EXIT'];
    }
  });

  it('disabled helpers are not run and their skip is logged', async () => {
    emu = await startEmulator({ document: documentWith('123') });
    box.write('/etc/default/instance_configs.cfg.template', '[InstanceSetup]\noptimize_local_ssd = false\nset_multiqueue = off\n');
    const { result, lines } = await box.boot(emu);
    expect(result.helpers).toEqual({});
    expect(box.helperRecord('google_optimize_local_ssd')).toEqual([]);
    expect(box.helperRecord('google_set_multiqueue')).toEqual([]);
    expect(lines).toContain('instance-setup: INFO skipped set-multiqueue: [InstanceSetup] set_multiqueue is false');
  });

  it('writes boto.cfg with template values winning, no plugin section and the exact numeric project id', async () => {
    emu = await startEmulator({ document: documentWith('123') });
    emu.set({ 'project/numeric-project-id': '98765432109876543210' });
    box.write('/etc/boto.cfg.template', '[GSUtil]\ndefault_api_version = 1\n\n[Boto]\nproxy = a;b#c\n');
    const { result } = await box.boot(emu);
    expect(result.boto).toBe('written');
    const text = box.read('/etc/boto.cfg');
    expect(text.startsWith('# This file is automatically created at boot time by\n')).toBe(true);
    expect(text).toContain('/etc/boto.cfg.template');
    expect(text).toMatch(/^default_project_id = 98765432109876543210$/m);
    expect(text).toMatch(/^default_api_version = 1$/m);
    expect(text).toMatch(/^service_account = default$/m);
    expect(text).toMatch(/^proxy = a;b#c$/m);
    expect(text).not.toMatch(/Plugin/);
    expect(statSync(box.path('/etc/boto.cfg')).mode & 0o777).toBe(0o644);
  });

  it('leaves a user-managed boto.cfg untouched and says so once', async () => {
    emu = await startEmulator({ document: documentWith('123') });
    box.write('/etc/boto.cfg', '[Credentials]\nmine = 1\n');
    const { result, lines } = await box.boot(emu);
    expect(result.boto).toBe('user-managed');
    expect(box.read('/etc/boto.cfg')).toBe('[Credentials]\nmine = 1\n');
    expect(lines.filter((l) => l.includes('/etc/boto.cfg does not start with the generated header'))).toHaveLength(1);
  });

  it('network_enabled = false makes no metadata request at all and still writes the config', async () => {
    emu = await startEmulator({ document: documentWith('123') });
    box.write('/etc/default/instance_configs.cfg.template', '[InstanceSetup]\nnetwork_enabled = false\n');
    const before = keyFiles(box, ['ed25519']);
    const { result } = await box.boot(emu);
    expect(result.exitCode).toBe(0);
    expect(result.metadata).toBe('disabled');
    expect(emu.requests().counters.total).toBe(0);
    expect(keyFiles(box, ['ed25519'])).toEqual(before);
    expect(box.exists('/etc/boto.cfg')).toBe(false);
    expect(box.read('/etc/default/instance_configs.cfg')).toMatch(/^network_enabled = false$/m);
    expect(result.helpers).toEqual({ google_optimize_local_ssd: 'ok', google_set_multiqueue: 'ok' });
  });

  it('an unreachable metadata server is a bounded wait; the config is still written and exit is 0', async () => {
    emu = await startEmulator({ document: documentWith('123') });
    emu.fault({ kind: 'refuse', seconds: 30 });
    const before = keyFiles(box, ['ed25519']);
    const { result, lines, ms } = await box.boot(emu, { metadataWaitMs: 1500 });
    expect(result.exitCode).toBe(0);
    expect(result.metadata).toBe('unreachable');
    expect(ms).toBeLessThan(6000);
    expect(keyFiles(box, ['ed25519'])).toEqual(before);
    expect(result.recordedId).toBeUndefined();
    expect(box.read('/etc/default/instance_configs.cfg')).toMatch(/^instance_id = 0$/m);
    expect(lines.some((l) => l.startsWith('instance-setup: ERROR metadata server unreachable'))).toBe(true);
  });

  it("keeps the administrator's .template values in the merged instance_configs.cfg", async () => {
    emu = await startEmulator({ document: documentWith('123') });
    box.write('/etc/default/instance_configs.cfg.template', '[Accounts]\ngroups = wheel,adm\n\n[Custom]\nnote = keep # me\n');
    const { result } = await box.boot(emu);
    expect(result.configWritten).toBe(true);
    const cfg = box.read('/etc/default/instance_configs.cfg');
    expect(cfg).toMatch(/^groups = wheel,adm$/m);
    expect(cfg).toMatch(/^note = keep # me$/m);
    expect(cfg).toMatch(/^deprovision_remove = false$/m);
    expect(cfg).toMatch(/^instance_id = 123$/m);
  });

  it('exits 1 when the configuration cannot be written, after doing every other step', async () => {
    emu = await startEmulator({ document: documentWith('123') });
    box.write('/etc/default/real.cfg', '[Accounts]\n');
    symlinkSync('real.cfg', box.path('/etc/default/instance_configs.cfg'));
    const { result, lines } = await box.boot(emu);
    expect(result.exitCode).toBe(1);
    expect(result.configWritten).toBe(false);
    expect(result.boto).toBe('written');
    expect(box.read('/etc/default/real.cfg')).toBe('[Accounts]\n');
    expect(lines.some((l) => l.startsWith('instance-setup: ERROR failed write-config path=/etc/default/instance_configs.cfg: '))).toBe(true);
  });

  it('--dry-run prints the plan and leaves the root byte-identical, with no PUT and no ssh-keygen', async () => {
    emu = await startEmulator({ document: documentWith('123') });
    const before = box.treeHash();
    const { result, plan } = await box.boot(emu, { dryRun: true });
    expect(result.exitCode).toBe(0);
    expect(box.treeHash()).toEqual(before);
    expect(putPaths(emu)).toEqual([]);
    expect(box.helperRecord('google_set_multiqueue')).toEqual([]);
    const actions = plan.map((p) => `${p.action} ${Object.values(p.fields).join(' ')}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        `run-helper google_optimize_local_ssd ${box.helperDir}/google_optimize_local_ssd ${box.root}`,
        'regenerate-host-key ecdsa',
        'regenerate-host-key ed25519',
        'publish-host-key hostkeys/ssh-ed25519',
        'write-file /etc/boto.cfg',
        'write-config /etc/default/instance_configs.cfg',
      ]),
    );
  });
});
