/**
 * `make repo` (nfpm/repo/build-repo.sh) on a staged tree with the debian12 and el9 rows built:
 * the apt suite and the yum repository, their signatures checked with gpgv and rpm -K against
 * the exported public key, the throw-away key's warning and storage, the in-place yum update
 * (a second run changes nothing; a version bump replaces the packages), and keys given through
 * the environment. Everything happens in temp dirs; no root needed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeIf } from '../support/skip.js';
import { gpgHome, nextVersion, repoBlocker, rpmCheck, run, snapshotTree, stageRepoTree, type GpgHome, type RepoTree } from './support/repo-fixture.js';

const LONG = 600000;
const blocker = repoBlocker();
const SUITE = 'google-compute-engine-bookworm';
const YUM = 'yum/google-compute-engine-el9-x86_64';
const TRIO = ['google-compute-engine', 'google-compute-engine-init', 'google-config'];
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describeIf(blocker === '', blocker)('make repo: signed apt and yum repositories', () => {
  let tree: RepoTree;
  let first: ReturnType<RepoTree['publish']>;
  let keys: GpgHome;
  const at = (p: string): string => join(tree.repo, p);
  const keyring = (): string => at('google-compute-engine-keyring.gpg');
  const rpms = (): string[] => readdirSync(at(`${YUM}/Packages`)).sort().map((f) => at(`${YUM}/Packages/${f}`));
  const gpgv = (...files: string[]): number | null => run(['gpgv', '--keyring', keyring(), ...files]).status;

  beforeAll(() => {
    tree = stageRepoTree();
    keys = gpgHome();
    tree.build('debian12');
    tree.build('el9');
    first = tree.publish();
  }, LONG);
  afterAll(() => {
    keys?.cleanup();
    tree?.cleanup();
  });

  it('publishes one apt suite and one yum repository, and shouts about the throw-away key', () => {
    expect(first.status).toBe(0);
    expect(first.out).toContain(`apt/dists/${SUITE}`);
    expect(first.out).toContain(YUM);
    expect(first.err).toMatch(/WARNING: these repositories are signed with a THROW-AWAY key/);
    for (const f of ['google-compute-engine-keyring.gpg', 'google-compute-engine-keyring.asc', `apt/dists/${SUITE}/InRelease`,
      `apt/dists/${SUITE}/Release.gpg`, `apt/dists/${SUITE}/main/binary-amd64/Packages.gz`, `${YUM}/repodata/repomd.xml.asc`, `${YUM}/repodata/repomd.xml.key`]) {
      expect({ f, exists: existsSync(at(f)) }).toEqual({ f, exists: true });
    }
  });

  it('keeps the throw-away secret key outside dist/repo, readable by its owner only', () => {
    const secret = join(tree.dir, 'dist/.repo-throwaway-key/secret.asc');
    expect(statSync(secret).mode & 0o777).toBe(0o600);
    expect(readFileSync(secret, 'utf8')).toContain('PRIVATE KEY BLOCK');
    const leaked = [...snapshotTree(tree.repo)].filter(([, b64]) => Buffer.from(b64, 'base64').toString('latin1').includes('PRIVATE KEY'));
    expect(leaked.map(([p]) => p)).toEqual([]);
  });

  it('apt: Release names the suite, is signed (InRelease and Release.gpg) and vouches for the Packages that list the pool', () => {
    const dist = at(`apt/dists/${SUITE}`);
    expect(gpgv(join(dist, 'InRelease'))).toBe(0);
    expect(gpgv(join(dist, 'Release.gpg'), join(dist, 'Release'))).toBe(0);
    const release = readFileSync(join(dist, 'Release'), 'utf8');
    expect(release).toMatch(new RegExp(`^Suite: ${SUITE}$`, 'm'));
    expect(release).toMatch(new RegExp(`^Codename: ${SUITE}$`, 'm'));
    expect(release).toMatch(/^Components: main$/m);
    expect(release).toMatch(/^Architectures: .*\bamd64\b/m);
    expect(release).toContain(` ${sha256(join(dist, 'main/binary-amd64/Packages'))} `);
    const packages = readFileSync(join(dist, 'main/binary-amd64/Packages'), 'utf8').split('\n\n').filter((s) => s.trim() !== '');
    expect(packages.map((p) => /^Package: (.*)$/m.exec(p)?.[1]).sort()).toEqual(TRIO);
    for (const p of packages) {
      const file = /^Filename: (.*)$/m.exec(p)?.[1] ?? '';
      expect(file.startsWith(`pool/${SUITE}/`)).toBe(true);
      expect(p).toContain(`SHA256: ${sha256(at(`apt/${file}`))}`);
    }
  });

  it('yum: every package signed with the repository key (rpm -K), NOKEY without it; repomd.xml signed', () => {
    expect(rpms().map((f) => f.replace(/.*\//, ''))).toEqual(readdirSync(join(tree.dir, 'dist/el9')).sort());
    const ok = rpmCheck(rpms(), [at('google-compute-engine-keyring.asc')]);
    expect(ok.status).toBe(0);
    expect(ok.out.trim().split('\n').filter((l) => !/: digests signatures OK$/.test(l))).toEqual([]);
    expect(rpmCheck(rpms(), []).status).not.toBe(0);
    expect(gpgv(at(`${YUM}/repodata/repomd.xml.asc`), at(`${YUM}/repodata/repomd.xml`))).toBe(0);
    expect(readFileSync(at(`${YUM}/repodata/repomd.xml.key`), 'utf8')).toBe(readFileSync(at('google-compute-engine-keyring.asc'), 'utf8'));
  });

  it('a tampered rpm fails rpm -K', () => {
    const copy = join(tree.dir, 'tampered.rpm');
    const bytes = readFileSync(rpms()[0] ?? '');
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
    writeFileSync(copy, bytes);
    const r = rpmCheck([copy], [at('google-compute-engine-keyring.asc')]);
    expect(r.status).not.toBe(0);
    expect(r.out + r.err).toMatch(/NOT OK|BAD/);
  });

  it('a second run over unchanged packages leaves the yum repository byte-identical (createrepo_c --update) and keeps the key', () => {
    const before = snapshotTree(at('yum'));
    const key = readFileSync(keyring());
    const again = tree.publish();
    expect(again.status).toBe(0);
    expect(readFileSync(keyring()).equals(key)).toBe(true);
    const after = snapshotTree(at('yum'));
    expect([...after.keys()]).toEqual([...before.keys()]);
    expect([...after].filter(([p, b]) => before.get(p) !== b).map(([p]) => p)).toEqual([]);
    // createrepo_c --update by hand, with the published revision: the metadata stays the same.
    const revision = /<revision>(\d+)<\/revision>/.exec(readFileSync(at(`${YUM}/repodata/repomd.xml`), 'utf8'))?.[1] ?? '';
    expect(run(['createrepo_c', '--quiet', '--update', '--revision', revision, '--set-timestamp-to-revision', '--retain-old-md', '0', at(YUM)]).status).toBe(0);
    const byHand = snapshotTree(at('yum'));
    expect([...byHand].filter(([p, b]) => before.get(p) !== b).map(([p]) => p)).toEqual([]);
    expect(gpgv(at(`${YUM}/repodata/repomd.xml.asc`), at(`${YUM}/repodata/repomd.xml`))).toBe(0);
  }, LONG);

  it('a version bump replaces the packages: old ones dropped, revision moves on, signatures valid', () => {
    const old = tree.version();
    const oldRevision = /<revision>(\d+)<\/revision>/.exec(readFileSync(at(`${YUM}/repodata/repomd.xml`), 'utf8'))?.[1];
    tree.setVersion(nextVersion(old));
    tree.build('debian12');
    tree.build('el9');
    expect(tree.publish().status).toBe(0);
    const names = rpms().map((f) => f.replace(/.*\//, ''));
    expect(names.every((n) => n.includes(`-${nextVersion(old)}-`))).toBe(true);
    expect(names).toHaveLength(3);
    const revision = /<revision>(\d+)<\/revision>/.exec(readFileSync(at(`${YUM}/repodata/repomd.xml`), 'utf8'))?.[1];
    expect(Number(revision)).toBeGreaterThanOrEqual(Number(oldRevision));
    expect(revision).not.toBe(oldRevision);
    expect(gpgv(at(`${YUM}/repodata/repomd.xml.asc`), at(`${YUM}/repodata/repomd.xml`))).toBe(0);
    expect(rpmCheck(rpms(), [at('google-compute-engine-keyring.asc')]).status).toBe(0);
    const apt = readFileSync(at(`apt/dists/${SUITE}/main/binary-amd64/Packages`), 'utf8');
    expect(apt.match(/^Version: .*$/gm)).toEqual(TRIO.map(() => `Version: ${nextVersion(old)}-1+debian12`));
  }, LONG);

  it('GCE_REPO_SIGNING_KEY: signs with that key, re-signs the packages, no throw-away warning', () => {
    const fpr = keys.generate('repo-env-key');
    const r = tree.publish({ GCE_REPO_SIGNING_KEY: keys.exportSecret(fpr) });
    expect(r.status).toBe(0);
    expect(r.out).toContain(`signing with key ${fpr}`);
    expect(r.err).not.toMatch(/THROW-AWAY/);
    const exported = keys.gpg(['--import-options', 'show-only', '--with-colons', '--import', at('google-compute-engine-keyring.asc')]).out;
    expect(exported).toContain(fpr);
    expect(gpgv(at(`apt/dists/${SUITE}/InRelease`))).toBe(0);
    expect(rpmCheck(rpms(), [at('google-compute-engine-keyring.asc')]).status).toBe(0);
  }, LONG);

  it('GCE_REPO_SIGNING_KEY_FILE with a passphrase: signs with it; a wrong passphrase fails before publishing', () => {
    const fpr = keys.generate('repo-file-key', 'correct horse');
    const file = join(keys.home, 'protected.asc');
    writeFileSync(file, keys.exportSecret(fpr, 'correct horse'));
    const bad = tree.publish({ GCE_REPO_SIGNING_KEY_FILE: file, GCE_REPO_SIGNING_PASSPHRASE: 'wrong' });
    expect(bad.status).not.toBe(0);
    expect(bad.err).toMatch(/cannot sign/);
    // The failed signing probe must not touch the host (gpg unlinks the output of a failed sign).
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    const good = tree.publish({ GCE_REPO_SIGNING_KEY_FILE: file, GCE_REPO_SIGNING_PASSPHRASE: 'correct horse' });
    expect(good.status).toBe(0);
    expect(good.out).toContain(`signing with key ${fpr}`);
    expect(gpgv(at(`apt/dists/${SUITE}/InRelease`))).toBe(0);
    expect(rpmCheck(rpms(), [at('google-compute-engine-keyring.asc')]).status).toBe(0);
  }, LONG);

  it('with no packages in dist/ it fails and says what to build, publishing nothing', () => {
    const empty = stageRepoTree();
    try {
      const r = empty.publish();
      expect(r.status).toBe(1);
      expect(r.err).toMatch(/no packages under .*make deb DIST=debian12, make all-packages/);
      expect(existsSync(empty.repo)).toBe(false);
    } finally {
      empty.cleanup();
    }
  });
});

