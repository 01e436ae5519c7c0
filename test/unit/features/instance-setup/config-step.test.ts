/** The merged-config step: real write through the config writer, dry-run plan, failure (§2.4). */
import { runConfigStep } from '../../../../ts/features/instance-setup/config-step.js';
import { FakeFs } from '../../../support/fake-fs.js';
import { fakeOs } from './fakes.js';

const dirs = () => new FakeFs({ '/etc/default/.keep': '', '/var/lib/google/.keep': '' });

describe('runConfigStep', () => {
  it('writes the cfg and its record under the config lock, recording the given id', async () => {
    const { os, fs } = fakeOs({ fs: dirs() });
    await expect(runConfigStep(os, { instanceId: '123', dryRun: false, print: () => undefined })).resolves.toBe(true);
    expect(fs.text('/etc/default/instance_configs.cfg')).toMatch(/^\[Instance\]\ninstance_id = 123$/m);
    expect(fs.writes.map((w) => [w.path, w.locksHeld])).toEqual([
      ['/etc/default/instance_configs.cfg', ['/var/lock/google_instance_configs.lock']],
      ['/var/lib/google/instance_configs.generated', ['/var/lock/google_instance_configs.lock']],
    ]);
  });

  it('keeps the recorded id when none is given', async () => {
    const fs = dirs();
    fs.put('/etc/default/instance_configs.cfg', '[Instance]\ninstance_id = 77\n');
    const { os } = fakeOs({ fs });
    await runConfigStep(os, { dryRun: false, print: () => undefined });
    expect(fs.text('/etc/default/instance_configs.cfg')).toMatch(/^instance_id = 77$/m);
  });

  it('prints plan lines in a dry run and writes nothing', async () => {
    const { os, fs, locks } = fakeOs({ fs: dirs() });
    const printed: string[] = [];
    await runConfigStep(os, { instanceId: '5', dryRun: true, print: (a, f) => printed.push(`${a} ${String(f['path'])}`) });
    expect(printed).toEqual(['write-config /etc/default/instance_configs.cfg', 'write-config /var/lib/google/instance_configs.generated']);
    expect(fs.writes).toEqual([]);
    expect(locks.taken).toEqual([]);
  });

  it('resolves false with one failed line when a layer cannot be read', async () => {
    const fs = dirs();
    fs.unreadable.add('/etc/default/instance_configs.cfg.template');
    const { os, sink } = fakeOs({ fs });
    await expect(runConfigStep(os, { dryRun: false, print: () => undefined })).resolves.toBe(false);
    expect(fs.writes).toEqual([]);
    expect(sink.lines().filter((l) => l.includes('ERROR'))).toHaveLength(1);
    expect(sink.lines()[0]).toMatch(/^instance-setup: ERROR failed write-config path=\/etc\/default\/instance_configs.cfg: /);
  });
});
