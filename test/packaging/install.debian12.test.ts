/**
 * The real install: the debian12 trio built with nfpm, installed with dpkg into a debootstrapped
 * Debian 12 root (chroot; the root tarball is cached outside the repository by
 * support/debian12-root.sh), then the installed google_guest_daemon run once inside the chroot,
 * on Debian's own Node.js, against the emulator in a private network namespace. Then upgrade,
 * remove and purge. Everything happens under a temp dir and in namespaces the test creates.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeIf, isRoot } from '../support/skip.js';
import { REPO } from './support/packaging-model.js';
import { findNfpm, hasBuild, stageTree, type StagedTree } from './support/stage-tree.js';

const LONG = 600000;
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const ROOT_SH = join(REPO, 'test/packaging/support/debian12-root.sh');
const cached = spawnSync(ROOT_SH, ['--print-only'], { encoding: 'utf8' }).status === 0;
const ready = isRoot() && has('unshare') && has('chroot') && findNfpm() !== '' && hasBuild() && existsSync(join(REPO, 'build/lib/gce_metadata_emulator.mjs'))
  && (cached || has('debootstrap'));
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEmuLaToRoNlYfAkEkEy0000000000000000000000000 alice@example.com';
const UNITS = ['google-instance-setup', 'google-guest-daemon', 'google-startup-scripts', 'google-shutdown-scripts'];

describeIf(ready, 'needs root, unshare, chroot, nfpm, make build, and debootstrap or a cached Debian 12 root')('debian12 packages in a Debian 12 chroot', () => {
  let work: string;
  let root: string;
  let tree: StagedTree;
  let debs: string[];
  /** Runs argv in the chroot inside a private mount namespace (with /proc); returns the result. */
  const inChroot = (argv: string[]): { status: number | null; out: string } => {
    const r = spawnSync('unshare', ['--mount', '--fork', 'sh', '-c', 'mount -t proc proc "$1/proc" && shift && exec chroot "$@"', 'x', root, root, ...argv], {
      encoding: 'utf8', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' }, timeout: 300000,
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const at = (p: string): string => join(root, p);
  const isLink = (p: string): boolean => {
    try {
      return lstatSync(at(p)).isSymbolicLink();
    } catch {
      return false;
    }
  };
  const googleLinks = (): string[] => {
    const found: string[] = [];
    const walk = (dir: string): void => {
      if (!existsSync(at(dir))) return;
      for (const e of readdirSync(at(dir), { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.includes('google')) found.push(join(dir, e.name));
      }
    };
    walk('etc/systemd/system');
    return found.sort();
  };

  beforeAll(() => {
    const tar = spawnSync(ROOT_SH, [], { encoding: 'utf8', timeout: 900000 });
    if (tar.status !== 0) throw new Error(`debian12-root.sh failed: ${tar.stderr}`);
    work = mkdtempSync(join(tmpdir(), 'gce-deb12-'));
    root = join(work, 'root');
    mkdirSync(root);
    const x = spawnSync('tar', ['-xzf', tar.stdout.trim(), '-C', root]);
    if (x.status !== 0) throw new Error('could not unpack the Debian 12 root');
    tree = stageTree();
    const files = tree.build('debian12');
    mkdirSync(at('tmp/debs'), { recursive: true });
    debs = files.map((f) => {
      writeFileSync(at(`tmp/debs/${f}`), readFileSync(tree.path('debian12', f)));
      return `/tmp/debs/${f}`;
    });
  }, LONG);
  afterAll(() => {
    tree?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  }, LONG);

  it('dpkg -i installs the trio: files, enabled units and aliases; nothing started, no instance setup', () => {
    const r = inChroot(['dpkg', '-i', ...debs]);
    expect(r.status).toBe(0);
    for (const bin of ['google_guest_daemon', 'google_instance_setup', 'google_metadata_script_runner', 'google_set_hostname']) {
      expect(lstatSync(at(`usr/bin/${bin}`)).mode & 0o777).toBe(0o755);
    }
    for (const u of UNITS) expect(isLink(`etc/systemd/system/multi-user.target.wants/${u}.service`)).toBe(true);
    for (const alias of ['google-accounts-daemon', 'google-clock-skew-daemon', 'google-ip-forwarding-daemon']) {
      expect(readlinkSync(at(`etc/systemd/system/${alias}.service`))).toMatch(/\/systemd\/system\/google-guest-daemon\.service$/);
    }
    expect(existsSync(at('lib/udev/rules.d/65-gce-disk-naming.rules'))).toBe(true);
    expect(existsSync(at('etc/dhcp/dhclient-exit-hooks.d/google_set_hostname'))).toBe(true);
    // No instance setup ran: no host keys, no generated config, no state directory.
    expect(readdirSync(at('etc/ssh')).filter((f) => f.startsWith('ssh_host_'))).toEqual([]);
    expect(existsSync(at('var/lib/google'))).toBe(false);
    expect(r.out).not.toMatch(/google_instance_setup|google_metadata_script_runner|169\.254\.169\.254|metadata\.google/);
  }, LONG);

  it('the installed guest daemon runs on Debian\'s Node.js and creates the metadata user', () => {
    writeFileSync(at('etc/default/instance_configs.cfg'), '[Daemons]\nclock_skew_daemon = false\nip_forwarding_daemon = false\n');
    const doc = join(work, 'doc.json');
    writeFileSync(doc, JSON.stringify({ instance: { id: '1234567890123456789', attributes: { 'ssh-keys': `alice:${KEY}` } }, project: { attributes: {} } }));
    const script = join(REPO, 'test/packaging/support/netns-chroot-daemon.sh');
    const r = spawnSync('unshare', ['--net', '--mount', '--fork', script, root, doc, join(REPO, 'build/lib/gce_metadata_emulator.mjs'), '--once', '--log-target=console'], { encoding: 'utf8', timeout: 120000 });
    expect({ status: r.status, out: r.stdout + r.stderr }).toEqual({ status: 0, out: expect.stringContaining('applied create-user user=alice') });
    expect(readFileSync(at('etc/passwd'), 'utf8')).toMatch(/^alice:x:\d+:\d+::\/home\/alice:/m);
    expect(readFileSync(at('home/alice/.ssh/authorized_keys'), 'utf8')).toContain(KEY);
  }, LONG);

  it('reinstalling the same version (configure with an old version) keeps links, user and keys', () => {
    const r = inChroot(['dpkg', '-i', ...debs]);
    expect(r.status).toBe(0);
    for (const u of UNITS) expect(isLink(`etc/systemd/system/multi-user.target.wants/${u}.service`)).toBe(true);
    expect(readFileSync(at('etc/passwd'), 'utf8')).toMatch(/^alice:/m);
  }, LONG);

  it('remove and purge leave no stray units or links, and never revoke access', () => {
    expect(inChroot(['dpkg', '-r', 'google-compute-engine-init']).status).toBe(0);
    expect(googleLinks()).toEqual([]);
    expect(inChroot(['dpkg', '-P', 'google-compute-engine-init', 'google-compute-engine', 'google-config']).status).toBe(0);
    expect(googleLinks()).toEqual([]);
    expect(readdirSync(at('usr/lib/systemd/system')).filter((f) => f.includes('google'))).toEqual([]);
    expect(existsSync(at('usr/bin/google_guest_daemon'))).toBe(false);
    expect(existsSync(at('etc/default/instance_configs.cfg'))).toBe(false);
    expect(existsSync(at('var/lib/google/google_users'))).toBe(false);
    expect(readFileSync(at('etc/passwd'), 'utf8')).toMatch(/^alice:/m);
    expect(existsSync(at('etc/sudoers.d/google_sudoers'))).toBe(true);
    expect(readFileSync(at('home/alice/.ssh/authorized_keys'), 'utf8')).toContain(KEY);
  });
});
