/**
 * `make demo` end to end: the built bundles (instance setup, the startup-script runner and
 * google_guest_daemon) against the emulator in a sandbox root. As root the demo runs in its own
 * network namespace and applies real changes; the assertions follow what it printed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeIf, isRoot } from '../support/skip.js';

const BUNDLE = join(process.cwd(), 'build/lib/gce_demo.mjs');
const demoDirs = (): string[] => readdirSync(tmpdir()).filter((d) => d.startsWith('gce-demo-'));

describeIf(existsSync(BUNDLE), 'run `make build` first (build/lib/gce_demo.mjs is missing)')('make demo', () => {
  it('provisions users, reacts to every scripted metadata edit, and leaves nothing behind', () => {
    const before = demoDirs();
    const r = spawnSync(process.execPath, [BUNDLE, '--quick'], { encoding: 'utf8', timeout: 170_000 });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status).toBe(0);
    expect(out).toContain('instance-setup: INFO instance setup finished');
    expect(out).toMatch(/startup-script: INFO startup-script: startup script ran/);
    if (isRoot()) {
      expect(out).toContain('google-accounts: INFO applied create-user user=alice');
      expect(out).toContain('google-accounts: INFO applied create-user user=carol');
      expect(out).toContain('google-accounts: INFO applied remove-keys user=bob');
      expect(out).toContain('google-ip-forwarding: INFO applied add-route dst=198.51.100.9/32 dev=eth0 proto=66');
      expect(out).toMatch(/google-clock-skew: INFO applied sync-clock/);
      expect(out).toMatch(/local 198\.51\.100\.7 dev eth0/);
    } else {
      expect(out).toContain('plan create-user user=alice');
    }
    expect(out).toContain('sandbox removed');
    expect(demoDirs()).toEqual(before);
  }, 180_000);
});
