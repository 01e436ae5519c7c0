/**
 * The /bin/sh wrappers of `make build`: which Node.js flags each passes before its bundle
 * (ts/bin/node-flags.json: lite mode for the long-running daemons, none for one-shot commands),
 * the GCE_NODE_FLAGS override, and that the daemons' flags start a real daemon without a warning.
 * A stub "node" (GCE_NODE) records its argv for the flag checks; the last case runs this Node.js.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS as FLAGS } from '../support/node-flags.js';
import { describeIf } from '../support/skip.js';

const BUILD = fileURLToPath(new URL('../../build/', import.meta.url));
const DAEMONS = ['google_guest_daemon', 'google_accounts_daemon', 'google_clock_skew_daemon', 'google_ip_forwarding_daemon'];
const ONE_SHOTS = ['google_instance_setup', 'google_metadata_script_runner', 'google_metadata'];

describeIf(existsSync(join(BUILD, 'bin/google_guest_daemon')), 'needs `make build` (build/bin)')('built wrappers: Node.js flags', () => {
  let dir: string;
  let stub: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gce-wrapper-'));
    stub = join(dir, 'node');
    writeFileSync(stub, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n', { mode: 0o755 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The argv the wrapper gives "node", with the bundle path shortened to its name. */
  const argvOf = (entry: string, env: Record<string, string> = {}): string[] =>
    execFileSync(join(BUILD, 'bin', entry), ['--x'], { env: { PATH: '/usr/bin:/bin', GCE_NODE: stub, ...env }, encoding: 'utf8' })
      .trim().split('\n').map((a) => a.replace(/^.*\/lib\//, 'lib/'));

  it('the daemons run with the daemon flags (lite mode), one-shot commands with the others', () => {
    expect(FLAGS.daemons).toContain('--lite-mode');
    for (const e of DAEMONS) expect(argvOf(e)).toEqual([...FLAGS.daemons, `lib/${e}.mjs`, '--x']);
    for (const e of ONE_SHOTS) expect(argvOf(e)).toEqual([...FLAGS.others, `lib/${e}.mjs`, '--x']);
  });

  it('GCE_NODE_FLAGS replaces the flags, and an empty one passes none', () => {
    expect(argvOf('google_guest_daemon', { GCE_NODE_FLAGS: '' })).toEqual(['lib/google_guest_daemon.mjs', '--x']);
    expect(argvOf('google_metadata', { GCE_NODE_FLAGS: '--max-old-space-size=64 --jitless' }))
      .toEqual(['--max-old-space-size=64', '--jitless', 'lib/google_metadata.mjs', '--x']);
  });

  it('a daemon started with its flags by this Node.js runs and prints no runtime warning', () => {
    const r = spawnSync(join(BUILD, 'bin/google_guest_daemon'), ['--help'], { env: { PATH: '/usr/bin:/bin', GCE_NODE: process.execPath }, encoding: 'utf8' });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(/^Usage: google_guest_daemon/);
  });
});
