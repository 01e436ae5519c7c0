/**
 * The apt repository with real apt in a debootstrapped Debian 12 root: versions N and N+1 of
 * the debian12 row published by nfpm/repo/build-repo.sh (N+1 = a version bump in the staged
 * package.json, a changed rsyslog conffile, and one file N shipped dropped), served over HTTP on
 * 127.0.0.1 inside a private network namespace. The README's own commands add the key and the
 * source, install, and upgrade; the installed daemon runs once with --dry-run against the
 * emulator; a tampered package, a tampered Release and a Release signed by another key are
 * refused. Nothing outside temp dirs and the test's namespaces is touched.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeIf } from '../support/skip.js';
import { chrootBlocker, openRepoChroot, REPO_URL, type RepoChroot } from './support/repo-chroot.js';
import { copyRepo, gpgHome, nextVersion, readmeBlock, repoBlocker, stageRepoTree, type RepoTree } from './support/repo-fixture.js';

const LONG = 600000;
const blocker = [repoBlocker(), chrootBlocker()].filter((b) => b !== '').join('; ');
const SUITE = 'google-compute-engine-bookworm';
const TRIO = ['google-compute-engine', 'google-compute-engine-init', 'google-config'];
const OBSOLETE = '/usr/lib/google-compute-engine/shipped-only-in-version-n';
const RSYSLOG = 'etc/rsyslog.d/90-google.conf';
const SYSCTL = 'etc/sysctl.d/11-gce-network-security.conf';
const TEMPLATE = 'etc/default/instance_configs.cfg.template';
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEmuLaToRoNlYfAkEkEy0000000000000000000000000 alice@example.com';

/** Regular files (not directories) of a .deb, as absolute paths. */
const debFiles = (deb: string): string[] => spawnSync('dpkg-deb', ['-c', deb], { encoding: 'utf8' }).stdout.split('\n')
  .filter((l) => l.startsWith('-')).map((l) => l.replace(/^.* \.\//, '/')).sort();

/** The README's apt block with the placeholder server replaced by the test's loopback one. */
const readmeApt = (index: number): string => readmeBlock('### Debian and Ubuntu', 'sh', index).replace(/^REPO_URL=.*$/m, `REPO_URL=${REPO_URL}`);

describeIf(blocker === '', blocker)('apt repository in a Debian 12 root (README commands, loopback HTTP)', () => {
  let tree: RepoTree;
  let box: RepoChroot;
  let repoN: string;
  let repoN1: string;
  let versionN: string;
  let filesN: string[];
  let filesN1: string[];
  const installed = (): string[] => TRIO.map((p) => spawnSync('chroot', [box.root, 'dpkg-query', '-W', '-f=${Version}', p], { encoding: 'utf8' }).stdout);
  const read = (p: string): string => readFileSync(box.at(p), 'utf8');
  /** Our repository's index files apt holds (name -> content). */
  const lists = (): Map<string, string> => new Map(readdirSync(box.at('var/lib/apt/lists')).filter((f) => f.startsWith('127.0.0.1'))
    .map((f) => [f, read(`var/lib/apt/lists/${f}`)]));
  /**
   * apt refuses the repository: a machine that has our lists keeps them and says why (apt's
   * exit status stays 0 there: it falls back to the previous index files), and a machine without
   * them (fresh lists directory) fails the update with "is not signed".
   */
  const expectRefused = (bad: string, why: RegExp): void => {
    const before = lists();
    expect(before.size).toBeGreaterThan(0);
    const r = box.serve(bad, 'apt-get update; echo "kept-lists status=$?"; mkdir -p /tmp/fresh/partial; '
      + 'apt-get -o Dir::State::Lists=/tmp/fresh update; echo "fresh-lists status=$?"; rm -rf /tmp/fresh');
    expect(r.out).toMatch(why);
    expect(r.out).toMatch(/The repository is not updated and the previous index files will be used/);
    expect(r.out).toMatch(/The repository '[^']*' is not signed/);
    expect(r.out).toMatch(/^fresh-lists status=100$/m);
    expect(lists()).toEqual(before);
  };

  beforeAll(() => {
    tree = stageRepoTree();
    versionN = tree.version();
    const yaml = join(tree.dir, 'nfpm/google-compute-engine.yaml');
    const original = readFileSync(yaml, 'utf8');
    writeFileSync(yaml, original.replace('\ncontents:\n', `\ncontents:\n  - {src: LICENSE, dst: ${OBSOLETE}, file_info: {mode: 0644}}\n`));
    const debsN = tree.build('debian12');
    filesN = debsN.flatMap((f) => debFiles(tree.path('debian12', f)));
    const built = tree.publish();
    if (built.status !== 0) throw new Error(`build-repo.sh (N) failed: ${built.err}`);
    box = openRepoChroot();
    repoN = copyRepo(tree.repo, join(box.work, 'repo-n'));
    writeFileSync(yaml, original);
    tree.setVersion(nextVersion(versionN));
    writeFileSync(join(tree.dir, 'rsyslog/90-google.conf'), `${readFileSync(join(tree.dir, 'rsyslog/90-google.conf'), 'utf8')}# changed in the next version\n`);
    filesN1 = tree.build('debian12').flatMap((f) => debFiles(tree.path('debian12', f)));
    const next = tree.publish();
    if (next.status !== 0) throw new Error(`build-repo.sh (N+1) failed: ${next.err}`);
    repoN1 = copyRepo(tree.repo, join(box.work, 'repo-n1'));
    // The key as an administrator brought it to the machine (README: over a trusted channel).
    writeFileSync(box.at('root/google-compute-engine-keyring.gpg'), readFileSync(join(repoN, 'google-compute-engine-keyring.gpg')));
  }, LONG);
  afterAll(() => {
    box?.cleanup();
    tree?.cleanup();
  });

  it('the README\'s install commands (keyring + signed-by, no apt-key) install the trio at version N', () => {
    const block = readmeApt(0);
    expect(block).toMatch(new RegExp(`^SUITE=${SUITE}$`, 'm'));
    expect(block).toContain('signed-by=/etc/apt/keyrings/');
    expect(block).not.toMatch(/apt-key/);
    const r = box.serve(repoN, block);
    expect({ status: r.status, out: r.out }).toEqual({ status: 0, out: expect.stringContaining(`${REPO_URL}/apt ${SUITE} InRelease`) });
    expect(installed()).toEqual(TRIO.map(() => `${versionN}-1+debian12`));
    expect(existsSync(box.at('etc/apt/keyrings/google-compute-engine.gpg'))).toBe(true);
    expect(existsSync(box.at('usr/bin/google_guest_daemon'))).toBe(true);
    expect(existsSync(box.at(OBSOLETE.slice(1)))).toBe(true);
  }, LONG);

  it('the installed google_guest_daemon --dry-run plans the metadata user against the emulator and changes nothing', () => {
    writeFileSync(box.at('etc/default/instance_configs.cfg'), '[Daemons]\nclock_skew_daemon = false\nip_forwarding_daemon = false\n');
    const doc = join(box.work, 'doc.json');
    writeFileSync(doc, JSON.stringify({ instance: { id: '1234567890123456789', attributes: { 'ssh-keys': `alice:${KEY}` } }, project: { attributes: {} } }));
    const r = box.daemon(doc, ['--dry-run', '--log-target=console']);
    expect({ status: r.status, out: r.out }).toEqual({ status: 0, out: expect.stringMatching(/^plan create-user .*user=alice/m) });
    expect(read('etc/passwd')).not.toMatch(/^alice:/m);
  }, LONG);

  it('the README\'s upgrade to N+1 never prompts, keeps edits, asks systemd (via policy-rc.d) to try-restart the daemon, drops what N+1 no longer ships', () => {
    writeFileSync(box.at(TEMPLATE), '[Accounts]\ngroups = adm,video\n');
    const rsyslogN = read(RSYSLOG);
    writeFileSync(box.at(RSYSLOG), `${rsyslogN}# local edit\n`);
    writeFileSync(box.at(SYSCTL), `${read(SYSCTL)}# local edit\n`);
    const sysctlEdited = read(SYSCTL);
    // systemd "running" for the maintainer scripts: its marker directory, and Debian's own
    // policy-rc.d hook, which deb-systemd-invoke asks before every start/stop/restart: it records
    // the request and answers 101 (a chroot has no systemd to act on).
    mkdirSync(box.at('run/systemd/system'), { recursive: true });
    writeFileSync(box.at('usr/sbin/policy-rc.d'), '#!/bin/sh\necho "$*" >>/var/log/policy-rc.d.calls\nexit 101\n', { mode: 0o755 });
    const r = box.serve(repoN1, readmeApt(1));
    rmSync(box.at('usr/sbin/policy-rc.d'));
    rmSync(box.at('run/systemd/system'), { recursive: true });
    expect({ status: r.status, out: r.out }).toEqual({ status: 0, out: expect.stringContaining('Keeping old config file as default') });
    expect(installed()).toEqual(TRIO.map(() => `${nextVersion(versionN)}-1+debian12`));
    expect(read(TEMPLATE)).toBe('[Accounts]\ngroups = adm,video\n');
    expect(read(RSYSLOG)).toBe(`${rsyslogN}# local edit\n`);
    expect(read(`${RSYSLOG}.dpkg-dist`)).toContain('# changed in the next version');
    expect(read(SYSCTL)).toBe(sysctlEdited);
    expect(existsSync(box.at(`${SYSCTL}.dpkg-dist`))).toBe(false);
    const dropped = filesN.filter((f) => !filesN1.includes(f));
    expect(dropped).toEqual([OBSOLETE]);
    expect(dropped.filter((f) => existsSync(box.at(f.slice(1))))).toEqual([]);
    expect(read('var/log/policy-rc.d.calls')).toBe('google-guest-daemon.service try-restart\n');
  }, LONG);

  it('a tampered package is refused (its hash no longer matches the signed index) and nothing is installed', () => {
    const bad = copyRepo(repoN1, join(box.work, 'repo-bad-deb'));
    const deb = join(bad, 'apt/pool', SUITE, `google-config_${nextVersion(versionN)}-1+debian12_all.deb`);
    const bytes = readFileSync(deb);
    const i = Math.floor(bytes.length / 2);
    bytes[i] = (bytes[i] ?? 0) ^ 0xff;
    writeFileSync(deb, bytes);
    const before = read(RSYSLOG);
    const r = box.serve(bad, 'apt-get clean && apt-get update && apt-get install -y --reinstall google-config');
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/Hash Sum mismatch/);
    expect(read(RSYSLOG)).toBe(before);
    expect(installed()).toEqual(TRIO.map(() => `${nextVersion(versionN)}-1+debian12`));
  }, LONG);

  it('a tampered Release is refused with a signature error', () => {
    const bad = copyRepo(repoN1, join(box.work, 'repo-bad-release'));
    for (const f of ['InRelease', 'Release']) {
      const p = join(bad, 'apt/dists', SUITE, f);
      writeFileSync(p, readFileSync(p, 'utf8').replace(/^Description: .*$/m, 'Description: not what was signed'));
    }
    expectRefused(bad, /BADSIG|signatures were invalid/);
  }, LONG);

  it('a Release signed by another key is refused (NO_PUBKEY)', () => {
    const bad = copyRepo(repoN1, join(box.work, 'repo-other-key'));
    const other = gpgHome();
    try {
      const fpr = other.generate('not-the-repository-key');
      const dir = join(bad, 'apt/dists', SUITE);
      const sign = ['--pinentry-mode', 'loopback', '--passphrase', '', '--yes', '--local-user', fpr];
      expect(other.gpg([...sign, '--clearsign', '-o', join(dir, 'InRelease'), join(dir, 'Release')]).status).toBe(0);
      expect(other.gpg([...sign, '--armor', '--detach-sign', '-o', join(dir, 'Release.gpg'), join(dir, 'Release')]).status).toBe(0);
    } finally {
      other.cleanup();
    }
    expectRefused(bad, /NO_PUBKEY/);
  }, LONG);
});
