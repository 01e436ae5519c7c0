/**
 * The real install: the debian12 trio built with nfpm, installed with dpkg into a debootstrapped
 * Debian 12 root (chroot; support/debian-chroot.ts, the root tarball cached outside the
 * repository by support/debian-root.sh), then the installed google_guest_daemon run once inside
 * the chroot, on Debian's own Node.js, against the emulator in a private network namespace.
 * Then upgrade, remove and purge. Everything happens under a temp dir and in namespaces the test creates.
 */
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { describeIf } from '../support/skip.js';
import { debianChrootBlocker, openDebianChroot, type DebianChroot } from './support/debian-chroot.js';

const LONG = 600000;
const BLOCKER = debianChrootBlocker('bookworm');
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEmuLaToRoNlYfAkEkEy0000000000000000000000000 alice@example.com';
const UNITS = ['google-instance-setup', 'google-guest-daemon', 'google-startup-scripts', 'google-shutdown-scripts'];

describeIf(BLOCKER === '', BLOCKER)('debian12 packages in a Debian 12 chroot', () => {
  let box: DebianChroot;
  let debs: string[];
  const inChroot = (argv: string[]): { status: number | null; out: string } => box.run(argv);
  const at = (p: string): string => box.at(p);
  const isLink = (p: string): boolean => box.isLink(p);
  const googleLinks = (): string[] => box.googleLinks();

  beforeAll(() => {
    box = openDebianChroot('bookworm', 'debian12');
    debs = box.debs;
  }, LONG);
  afterAll(() => box?.cleanup(), LONG);

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
    const r = box.runDaemon({ instance: { id: '1234567890123456789', attributes: { 'ssh-keys': `alice:${KEY}` } }, project: { attributes: {} } }, ['--once', '--log-target=console']);
    expect(r).toEqual({ status: 0, out: expect.stringContaining('applied create-user user=alice') });
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
