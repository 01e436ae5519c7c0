/**
 * The systemd units and preset of google-compute-engine-init: the directives of packaging spec
 * §6.1 and behaviour spec §12 (plus the additions: journal+console output, restart,
 * a memory ceiling on the daemon, the 2016 names as aliases), and `systemd-analyze verify` on
 * copies whose commands are /bin/true, run in a private mount namespace so nothing reaches the
 * host's /run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeIf, isRoot } from '../support/skip.js';
import { REPO } from './support/packaging-model.js';
import { parseUnit, unitValue, type UnitFile } from './support/init-parsers.js';

const UNITS = ['google-instance-setup', 'google-guest-daemon', 'google-startup-scripts', 'google-shutdown-scripts'];
const read = (name: string): string => readFileSync(join(REPO, 'init', 'systemd', name), 'utf8');
const unit = (name: string): UnitFile => parseUnit(read(`${name}.service`));
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

// packaging spec §6.1, one row per unit: [section, key, exact value].
const DIRECTIVES: Record<string, Array<[string, string, string]>> = {
  'google-instance-setup': [
    ['Service', 'Type', 'oneshot'],
    ['Service', 'ExecStart', '/usr/bin/google_instance_setup --log-target=journal'],
    ['Unit', 'After', 'local-fs.target network-online.target network.target rsyslog.service'],
    ['Unit', 'Wants', 'network-online.target'],
    ['Unit', 'Before', 'sshd.service ssh.service'],
    ['Install', 'WantedBy', 'multi-user.target'],
  ],
  'google-guest-daemon': [
    ['Service', 'Type', 'simple'],
    ['Service', 'ExecStart', '/usr/bin/google_guest_daemon --log-target=journal'],
    ['Unit', 'After', 'network-online.target google-instance-setup.service rsyslog.service nss-user-lookup.target'],
    ['Unit', 'Wants', 'network-online.target'],
    ['Service', 'Restart', 'always'],
    ['Service', 'RestartSec', '5'],
    ['Service', 'OOMScoreAdjust', '-999'],
    ['Service', 'MemoryMax', '256M'],
    ['Install', 'WantedBy', 'multi-user.target'],
  ],
  'google-startup-scripts': [
    ['Service', 'Type', 'oneshot'],
    ['Service', 'ExecStart', '/usr/bin/google_metadata_script_runner --script-type startup --log-target=journal'],
    ['Unit', 'After', 'local-fs.target network-online.target network.target rsyslog.service google-instance-setup.service'],
    ['Unit', 'Wants', 'network-online.target'],
    ['Service', 'KillMode', 'process'],
    ['Install', 'WantedBy', 'multi-user.target'],
  ],
  'google-shutdown-scripts': [
    ['Service', 'Type', 'oneshot'],
    ['Service', 'ExecStart', '/bin/true'],
    ['Service', 'RemainAfterExit', 'true'],
    ['Service', 'ExecStop', '/usr/bin/google_metadata_script_runner --script-type shutdown --log-target=journal'],
    ['Service', 'TimeoutStopSec', '0'],
    ['Service', 'KillMode', 'process'],
    ['Unit', 'After', 'local-fs.target network-online.target network.target rsyslog.service google-instance-setup.service'],
    ['Unit', 'Wants', 'network-online.target'],
    ['Install', 'WantedBy', 'multi-user.target'],
  ],
};

describe('systemd units', () => {
  it.each(UNITS)('%s: has exactly the directives of the spec', (name) => {
    const u = unit(name);
    for (const [section, key, value] of DIRECTIVES[name] ?? []) {
      expect({ key: `${section}/${key}`, value: unitValue(u, section, key) }).toEqual({ key: `${section}/${key}`, value });
    }
  });

  it.each(UNITS)('%s: logs to journal and console, never requires a passive target', (name) => {
    const u = unit(name);
    expect(unitValue(u, 'Service', 'StandardOutput')).toBe('journal+console');
    expect(unitValue(u, 'Unit', 'Requires')).toBeUndefined();
    expect(unitValue(u, 'Unit', 'Wants')).not.toMatch(/(^|\s)network\.target/);
    expect(unitValue(u, 'Unit', 'Description')).toMatch(/^Google Compute Engine /);
  });

  it('the daemon keeps the 2016 per-daemon names as aliases, one per Alias= line', () => {
    expect(unit('google-guest-daemon').get('Install')?.get('Alias')).toEqual([
      'google-accounts-daemon.service', 'google-clock-skew-daemon.service', 'google-ip-forwarding-daemon.service']);
  });

  it('only the daemon restarts and has a memory ceiling; script units may run anything', () => {
    for (const name of UNITS.filter((n) => n !== 'google-guest-daemon')) {
      expect([name, unitValue(unit(name), 'Service', 'Restart'), unitValue(unit(name), 'Service', 'MemoryMax')]).toEqual([name, undefined, undefined]);
    }
  });

  it('startup scripts are not ordered after the daemon (scripts never wait for it)', () => {
    for (const name of ['google-startup-scripts', 'google-shutdown-scripts']) {
      expect(unitValue(unit(name), 'Unit', 'After')).not.toMatch(/google-guest-daemon/);
    }
  });

  it('the preset enables exactly the four units', () => {
    const lines = read('90-google-compute-engine.preset').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines.sort()).toEqual(UNITS.map((u) => `enable ${u}.service`).sort());
  });
});

const canVerify = isRoot() && has('systemd-analyze') && has('unshare');
describeIf(canVerify, 'needs root, systemd-analyze and unshare (verify runs in a private mount namespace)')('systemd-analyze verify', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gce-units-'));
    for (const name of UNITS) {
      const text = read(`${name}.service`).replace(/^(ExecStart|ExecStop)=.*$/gm, '$1=/bin/true');
      writeFileSync(join(dir, `${name}.service`), text);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const verify = (files: string[]): { status: number | null; output: string } => {
    // A tmpfs over /run keeps verify's runtime files out of the host's /run.
    const script = 'mount -t tmpfs tmpfs /run && cd "$1" && shift && exec systemd-analyze verify --man=no "$@"';
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'verify', dir, ...files], { encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
  };

  it.each(UNITS)('%s passes with no warning', (name) => {
    expect(verify([`./${name}.service`])).toEqual({ status: 0, output: '' });
  });

  it('the check catches a broken unit (so a pass means something)', () => {
    writeFileSync(join(dir, 'broken.service'), '[Service]\nType=sometimes\nExecStart=relative\n');
    const r = verify(['./broken.service']);
    expect(r.status !== 0 || r.output !== '').toBe(true);
    expect(r.output).toMatch(/sometimes|relative/);
  });
});
