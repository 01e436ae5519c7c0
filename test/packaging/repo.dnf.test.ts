/**
 * The el9 yum repository read by a real dnf (Debian's dnf 4) in a throw-away --installroot,
 * configured with the README's own .repo file (gpgcheck=1, repo_gpgcheck=1): it lists the three
 * packages after checking repomd.xml's signature, installs google-config (the one package an empty
 * root can take) after checking its signature, and refuses a tampered repomd.xml and a package
 * signed by another key. The
 * repository is read through file:// (no server needed); the host's dnf state is never used.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeIf, isRoot } from '../support/skip.js';
import { otherKeyCopy, publishedRepoTree, readmeBlock, repoBlocker, run, tamperedRepomdCopy, type Ran, type RepoTree } from './support/repo-fixture.js';

const LONG = 600000;
const hasDnf = spawnSync('sh', ['-c', 'command -v dnf']).status === 0;
const blocker = [repoBlocker(), isRoot() ? '' : 'needs root (dnf installs into its --installroot)', hasDnf ? '' : 'needs dnf (apt-get install dnf)']
  .filter((b) => b !== '').join('; ');
const KEY_PATH = '/etc/pki/rpm-gpg/RPM-GPG-KEY-google-compute-engine';

describeIf(blocker === '', blocker)('yum repository read by dnf with the README\'s .repo file', () => {
  let tree: RepoTree;
  let work: string;
  const roots: string[] = [];

  /** dnf in a new installroot holding the README's .repo pointed at repo. */
  const dnf = (repo: string, args: string[]): { root: string; r: Ran } => {
    const root = join(work, `root${roots.length}`);
    roots.push(root);
    mkdirSync(join(root, 'etc/yum.repos.d'), { recursive: true });
    mkdirSync(join(root, 'etc/pki/rpm-gpg'), { recursive: true });
    cpSync(join(repo, 'google-compute-engine-keyring.asc'), join(root, KEY_PATH));
    // Only the server and the key's place change; dnf reads gpgkey from the host even with
    // --installroot, so the key's path gets the installroot prefix.
    const dotRepo = readmeBlock('### EL and SLES', 'ini')
      .replace('https://repo.example.com/gce/', `file://${repo}/`)
      .replace(`file://${KEY_PATH}`, `file://${root}${KEY_PATH}`);
    writeFileSync(join(root, 'etc/yum.repos.d/google-compute-engine.repo'), dotRepo);
    return { root, r: run(['dnf', '-y', `--installroot=${root}`, '--releasever=9', '--setopt=skip_if_unavailable=False', ...args], { timeout: 120000 }) };
  };
  const repoquery = (repo: string): Ran => dnf(repo, ['repoquery', '--qf', '%{name} %{version}-%{release}']).r;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'gce-repo-dnf-'));
    tree = publishedRepoTree('el9');
  }, LONG);
  afterAll(() => {
    // dnf leaves a gpg-agent per repository keyring under the installroot's cache.
    for (const root of roots) {
      const cache = join(root, 'var/cache/dnf');
      for (const d of spawnSync('find', [cache, '-type', 'd', '-name', 'pubring'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) {
        spawnSync('gpgconf', ['--homedir', d, '--kill', 'gpg-agent']);
      }
    }
    if (work) rmSync(work, { recursive: true, force: true });
    tree?.cleanup();
  });

  it('the README\'s .repo turns on package and metadata signature checks', () => {
    const dotRepo = readmeBlock('### EL and SLES', 'ini');
    expect(dotRepo).toMatch(/^gpgcheck=1$/m);
    expect(dotRepo).toMatch(/^repo_gpgcheck=1$/m);
    expect(dotRepo).toMatch(/^baseurl=.*\/yum\/google-compute-engine-el9-\$basearch$/m);
  });

  it('dnf checks repomd.xml\'s signature and lists the three packages', () => {
    const r = repoquery(tree.repo);
    expect({ status: r.status, err: r.err }).toEqual({ status: 0, err: expect.stringContaining('Importing GPG key') });
    const v = `${tree.version()}-1.el9`;
    expect(r.out.trim().split('\n').sort()).toEqual([`google-compute-engine ${v}`, `google-compute-engine-init ${v}`, `google-config ${v}`]);
  }, LONG);

  it('dnf refuses a tampered repomd.xml (bad signature)', () => {
    const bad = tamperedRepomdCopy(tree.repo, join(work, 'bad-repo'));
    const r = repoquery(bad);
    expect(r.status).not.toBe(0);
    expect(r.err).toMatch(/GPG signature verification error: Bad GPG signature/);
    expect(r.out.trim()).toBe('');
  }, LONG);

  it('dnf installs google-config (no dependency outside the repository) after checking its signature', () => {
    const { root, r } = dnf(tree.repo, ['install', 'google-config']);
    expect({ status: r.status, out: r.out }).toEqual({ status: 0, out: expect.stringContaining('Complete!') });
    expect(run(['rpm', '--root', root, '-q', 'google-config']).out.trim()).toBe(`google-config-${tree.version()}-1.el9.noarch`);
  }, LONG);

  it('dnf refuses a package signed by another key even under correctly signed metadata', () => {
    const bad = otherKeyCopy(tree, join(work, 'other-key-repo'));
    expect(repoquery(bad).status).toBe(0);
    const { root, r } = dnf(bad, ['install', 'google-config']);
    expect(r.status).not.toBe(0);
    expect(r.out + r.err).toMatch(/GPG check FAILED|not signed with the right key|public key .* is not installed/i);
    expect(run(['rpm', '--root', root, '-q', 'google-config']).status).not.toBe(0);
  }, LONG);
});

