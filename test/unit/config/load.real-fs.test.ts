/**
 * writeGeneratedConfig and loadConfig over the real rooted fs and file lock (ts/os), in a temp
 * root: modes, atomic replacement, the lock released afterwards, and no write when unchanged.
 */
import { mkdtemp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configWriteDeps, loadConfig, writeGeneratedConfig } from '../../../ts/config/load.js';
import { createLocks } from '../../../ts/os/lock.js';
import { createRootedFs } from '../../../ts/os/rooted-fs.js';

describe('config files in a real temp root', () => {
  let root = '';
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'gce-config-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('generates cfg 0644 and record 0600, releases the lock, and leaves them alone when unchanged', async () => {
    await mkdir(path.join(root, 'etc/default'), { recursive: true });
    await writeFile(path.join(root, 'etc/default/instance_configs.cfg.template'), '[Accounts]\ngroups = adm ; wheel\n');
    const fs = createRootedFs(root);
    const deps = configWriteDeps({ fs, locks: createLocks(fs) });

    expect(await writeGeneratedConfig(deps, { instanceId: '4242' })).toBe(true);
    const cfgPath = path.join(root, 'etc/default/instance_configs.cfg');
    const recordPath = path.join(root, 'var/lib/google/instance_configs.generated');
    expect((await stat(cfgPath)).mode & 0o777).toBe(0o644);
    expect((await stat(recordPath)).mode & 0o777).toBe(0o600);
    expect(await readFile(cfgPath, 'utf8')).toContain('\ngroups = adm ; wheel\n');
    // No lock directory and no temp files are left behind.
    expect(await readdir(path.join(root, 'var/lock'))).toEqual([]);
    expect((await readdir(path.join(root, 'etc/default'))).sort()).toEqual([
      'instance_configs.cfg',
      'instance_configs.cfg.template',
    ]);

    const before = (await stat(cfgPath)).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    expect(await writeGeneratedConfig(deps)).toBe(false);
    expect((await stat(cfgPath)).mtimeMs).toBe(before);

    const loaded = await loadConfig(fs);
    expect(loaded.config.accounts.groups).toEqual(['adm ; wheel']);
    expect(loaded.config.instance.instanceId).toBe('4242');
    expect(loaded.warnings).toEqual([]);
  });
});
