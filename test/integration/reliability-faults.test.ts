/**
 * The fast part of the fault campaign (test/RELIABILITY.md) against the BUILT google_guest_daemon
 * and a sandbox root: every metadata fault for 3 s (503/500 bursts, resets, a closed listener,
 * bodies cut or truncated or replaced by garbage, a frozen ETag, wrong types, a 10 MB document,
 * a server down at boot) and the OS faults that cost seconds (useradd failing, /etc/passwd
 * locked, a full tmpfs root, `ip` missing). `make torture` runs them for 20 s each, adds the
 * hanging cases (a 70 s socket timeout, a 60 s command timeout), a read-only /etc and 120 s down
 * at boot, and reports the figures.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runMetadataFaults } from '../reliability/lib/metadata-faults.js';
import { runOsFaults } from '../reliability/lib/os-faults.js';
import { netnsUnavailable } from '../support/netns.js';
import { describeIf, isRoot } from '../support/skip.js';
import { hasShadowTools } from './accounts-harness.js';

const BUILD = fileURLToPath(new URL('../../build/', import.meta.url));
const built = existsSync(`${BUILD}bin/google_guest_daemon`);
const target = { buildDir: BUILD };

describeIf(isRoot() && hasShadowTools() && built, 'needs root, the shadow tools and `make build`')('metadata faults against the built daemon', () => {
  it('keeps running, never spins, and converges within 2 s of each recovery', async () => {
    const r = await runMetadataFaults({ target, bootDownSec: 3, full: false });
    expect(r.faults.filter((f) => !f.ok)).toEqual([]);
    expect(r.survived).toBe(r.injected);
    expect(r.injected).toBeGreaterThanOrEqual(13);
  }, 300_000);
});

const noNetns = netnsUnavailable();
describeIf(isRoot() && hasShadowTools() && built && noNetns === undefined, noNetns ?? 'needs root, the shadow tools and `make build`')('OS faults against the built daemon', () => {
  it('logs each failure clearly, leaves no partial file, serves the other users and converges once cleared', async () => {
    const r = await runOsFaults({ target, full: false, only: ['useradd-fails', 'passwd-locked', 'full-disk', 'ip-missing'] });
    expect(r.faults.map((f) => [f.fault, f.problems])).toEqual(r.faults.map((f) => [f.fault, []]));
    expect(r.faults.every((f) => f.logLine !== '' && f.othersMs >= 0 && f.convergedAfterClearMs >= 0)).toBe(true);
    expect(r.injected).toBe(4);
  }, 300_000);
});
