/**
 * The bundled runtime mode for real: the debian11 trio (google-compute-engine carrying the build
 * machine's Node.js in /usr/lib/google-compute-engine/node) installed with dpkg into a
 * debootstrapped Debian 11 root that also has Debian 11's own nodejs (12.x, too old), then the
 * installed google_guest_daemon run once in the chroot against the emulator in a private network
 * namespace: it must run on the private runtime, never on the distribution's node. Then remove
 * and purge. Everything happens under a temp dir and in namespaces the test creates.
 */
import { existsSync, lstatSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { NODE_FLAGS } from '../support/node-flags.js';
import { describeIf } from '../support/skip.js';
import { debianChrootBlocker, openDebianChroot, type DebianChroot } from './support/debian-chroot.js';

const LONG = 600000;
const BLOCKER = debianChrootBlocker('bullseye');
const RUNTIME = '/usr/lib/google-compute-engine/node/bin/node';
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEmuLaToRoNlYfAkEkEy1111111111111111111111111 bob@example.com';

describeIf(BLOCKER === '', BLOCKER)('debian11 packages (bundled Node.js) in a Debian 11 chroot', () => {
  let box: DebianChroot;
  beforeAll(() => {
    box = openDebianChroot('bullseye', 'debian11');
    process.stdout.write(`debian11 root ready in ${box.rootSeconds.toFixed(1)} s\n`);
  }, LONG);
  afterAll(() => box?.cleanup(), LONG);

  it('the root is Debian 11 with its own nodejs 12 on PATH', () => {
    expect(readFileSync(box.at('etc/debian_version'), 'utf8')).toMatch(/^11\./);
    const r = box.run(['node', '--version']);
    expect(r).toEqual({ status: 0, out: expect.stringMatching(/^v12\./) });
  });

  it('dpkg -i installs the trio with the private runtime; it runs in the root and is >= 18.19', () => {
    const r = box.run(['dpkg', '-i', ...box.debs]);
    expect(r.status).toBe(0);
    expect(box.run(['dpkg-query', '-W', '-f', '${Status}\n', 'google-compute-engine', 'google-compute-engine-init', 'google-config']).out.trim().split('\n'))
      .toEqual(Array(3).fill('install ok installed'));
    expect(lstatSync(box.at(RUNTIME.slice(1))).mode & 0o777).toBe(0o755);
    expect(existsSync(box.at('usr/lib/google-compute-engine/node/LICENSE'))).toBe(true);
    const v = box.run([RUNTIME, '-p', 'process.versions.node']);
    expect(v.status).toBe(0);
    const [major = 0, minor = 0] = v.out.trim().split('.').map(Number);
    expect({ version: v.out.trim(), ok: major > 18 || (major === 18 && minor >= 19) }).toEqual({ version: v.out.trim(), ok: true });
    // The private runtime is not on PATH: `node` still is Debian's.
    expect(box.run(['sh', '-c', 'command -v node; node --version']).out).toMatch(/^\/usr\/bin\/node\nv12\./);
  }, LONG);

  it('Debian 11\'s own node cannot run the bundles (why the runtime is bundled)', () => {
    const r = box.run(['node', '/usr/lib/google-compute-engine/google_guest_daemon.mjs', '--once']);
    expect(r.status).not.toBe(0);
    expect(r.out).not.toMatch(/applied create-user/);
  });

  it('the installed guest daemon runs on the private runtime and creates the metadata user', () => {
    writeFileSync(box.at('etc/default/instance_configs.cfg'), '[Daemons]\nclock_skew_daemon = false\nip_forwarding_daemon = false\n');
    const doc = { instance: { id: '1234567890123456789', attributes: { 'ssh-keys': `bob:${KEY}` } }, project: { attributes: {} } };
    const r = box.runDaemon(doc, ['--once', '--log-target=console'], true);
    expect(r).toEqual({ status: 0, out: expect.stringContaining('applied create-user user=bob') });
    // `sh -x` of the wrapper: the node it executes is the private one.
    const execs = r.out.split('\n').filter((l) => /^\+ exec /.test(l));
    expect(execs).toEqual([`+ exec ${[RUNTIME, ...NODE_FLAGS.daemons].join(' ')} /usr/lib/google-compute-engine/google_guest_daemon.mjs --once --log-target=console`]);
    expect(readFileSync(box.at('etc/passwd'), 'utf8')).toMatch(/^bob:x:\d+:\d+::\/home\/bob:/m);
    expect(readFileSync(box.at('home/bob/.ssh/authorized_keys'), 'utf8')).toContain(KEY);
  }, LONG);

  it('remove and purge take the runtime away, leave no stray units, and never revoke access', () => {
    expect(box.run(['dpkg', '-r', 'google-compute-engine-init', 'google-compute-engine', 'google-config']).status).toBe(0);
    expect(existsSync(box.at(RUNTIME.slice(1)))).toBe(false);
    expect(box.googleLinks()).toEqual([]);
    expect(box.run(['dpkg', '--purge', 'google-compute-engine-init', 'google-compute-engine', 'google-config']).status).toBe(0);
    expect(box.run(['dpkg-query', '-W', 'google-compute-engine']).status).not.toBe(0);
    expect(existsSync(box.at('usr/lib/google-compute-engine'))).toBe(false);
    expect(readdirSync(box.at('usr/lib/systemd/system')).filter((f) => f.includes('google'))).toEqual([]);
    expect(existsSync(box.at('etc/default/instance_configs.cfg'))).toBe(false);
    expect(existsSync(box.at('var/lib/google/google_users'))).toBe(false);
    expect(box.run(['node', '--version']).out).toMatch(/^v12\./);
    expect(readFileSync(box.at('etc/passwd'), 'utf8')).toMatch(/^bob:/m);
    expect(readFileSync(box.at('home/bob/.ssh/authorized_keys'), 'utf8')).toContain(KEY);
  });
});
