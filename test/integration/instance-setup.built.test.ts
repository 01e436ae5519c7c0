/**
 * The built `google_instance_setup` (make build: /bin/sh wrapper + esbuild bundle) run as a real
 * process against the emulator via GCE_METADATA_HOST and a sandbox root. The wrapper and bundle
 * are copied next to fake helpers, so the helpers found "next to the executable" are recorders
 * and the real ones never run. Skips with a reason when the build is missing.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator } from '../../ts/emulator/index.js';
import { getMetadataPath } from '../support/emulator.js';
import { describeIf } from '../support/skip.js';
import { LIGHT_TYPES, base64Of, createSetupSandbox, documentWith, hasSshKeygen, keyTypeOf, makeKeyFixture, type SetupSandbox } from './instance-setup-harness.js';

const BUILD = fileURLToPath(new URL('../../build/', import.meta.url));
const WRAPPER = join(BUILD, 'bin/google_instance_setup');
const BUNDLE = join(BUILD, 'lib/google_instance_setup.mjs');

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the copied wrapper asynchronously (the in-process emulator must keep answering). */
function runBuilt(box: SetupSandbox, args: readonly string[], env: Record<string, string>): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(join(box.helperDir, 'google_instance_setup'), [...args], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

describeIf(existsSync(WRAPPER) && existsSync(BUNDLE) && hasSshKeygen(), 'needs `make build` (build/bin/google_instance_setup) and ssh-keygen')('built google_instance_setup', () => {
  let box: SetupSandbox;
  let emu: Emulator;
  beforeAll(async () => {
    box = createSetupSandbox(makeKeyFixture());
    // The built tree's shape: bin/<wrapper> and lib/<bundle>, here beside the fake helpers.
    copyFileSync(WRAPPER, join(box.helperDir, 'google_instance_setup'));
    mkdirSync(join(box.dir, 'lib'));
    copyFileSync(BUNDLE, join(box.dir, 'lib/google_instance_setup.mjs'));
    emu = await startEmulator({ document: documentWith('123') });
  });
  afterAll(async () => {
    await emu.close();
    box.cleanup();
  });

  it('--help exits 0 and lists --metadata-timeout', async () => {
    const r = await runBuilt(box, ['--help'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--metadata-timeout <seconds>');
    expect(r.stdout).toContain('--dry-run');
  });

  it('a bad --metadata-timeout is a usage error (exit 2)', async () => {
    const r = await runBuilt(box, ['--root', box.root, '--metadata-timeout', 'soon'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--metadata-timeout');
  });

  it('--dry-run --json prints the plan and changes nothing', async () => {
    const before = box.treeHash();
    const r = await runBuilt(box, ['--root', box.root, '--dry-run', '--json', '--log-target', 'console'], { GCE_METADATA_HOST: emu.host });
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { feature: string; action: string; fields: Record<string, unknown> }[];
    expect(plan.filter((p) => p.action === 'regenerate-host-key').map((p) => p.fields['type'])).toEqual([...LIGHT_TYPES]);
    expect(plan.some((p) => p.action === 'run-helper' && p.fields['helper'] === 'google_set_multiqueue')).toBe(true);
    expect(box.treeHash()).toEqual(before);
    expect(emu.requests().log.filter((x) => x.method === 'PUT')).toEqual([]);
  });

  it('boots the sandbox: helpers with FAKEROOT, new keys published, config with the id, exit 0', async () => {
    const r = await runBuilt(box, ['--root', box.root, '--log-target', 'console', '--metadata-timeout', '10'], { GCE_METADATA_HOST: emu.host });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('instance-setup: INFO applied regenerate-host-key type=ecdsa');
    expect(r.stderr).toContain('instance-setup: INFO applied write-config path=/etc/default/instance_configs.cfg');
    expect(r.stderr).toMatch(/instance-setup: INFO instance setup finished in \d+ ms\n$/);
    expect(box.helperRecord('google_optimize_local_ssd')).toEqual(['argv=0|', `fakeroot=${box.root}`]);
    expect(box.helperRecord('google_set_multiqueue')).toEqual(['argv=0|', `fakeroot=${box.root}`]);
    expect(box.read('/etc/default/instance_configs.cfg')).toMatch(/^instance_id = 123$/m);
    const pub = box.read('/etc/ssh/ssh_host_ed25519_key.pub');
    const got = await getMetadataPath(emu, `instance/guest-attributes/hostkeys/${keyTypeOf(pub)}`);
    expect(got.body).toBe(base64Of(pub));
    expect(box.read('/etc/boto.cfg')).toMatch(/^default_project_id = 123456789012$/m);
  });
});
