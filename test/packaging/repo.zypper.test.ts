/**
 * The sles15 repository read by a real zypper (Debian's zypper/libzypp) in an empty --root: the
 * README's SLES commands import the key and add the repository with --gpgcheck-strict; zypper checks
 * repomd.xml's signature on refresh, lists the three packages and installs google-config (the one
 * package whose dependencies an empty root can satisfy), checking its signature; a tampered
 * repomd.xml is refused. The repository is read through file://; libzypp's log and lock file go
 * to the temp dir (ZYPP_LOGFILE, ZYPP_LOCKFILE_ROOT), never to the host's /var/log or /run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeIf, isRoot } from '../support/skip.js';
import { otherKeyCopy, publishedRepoTree, readmeBlock, repoBlocker, run, tamperedRepomdCopy, type Ran, type RepoTree } from './support/repo-fixture.js';

const LONG = 600000;
const hasZypper = spawnSync('sh', ['-c', 'command -v zypper']).status === 0;
const blocker = [repoBlocker(), isRoot() ? '' : 'needs root (zypper installs into its --root)', hasZypper ? '' : 'needs zypper (apt-get install zypper)']
  .filter((b) => b !== '').join('; ');
const INSTALL = 'zypper --non-interactive install google-compute-engine google-compute-engine-init google-config';

describeIf(blocker === '', blocker)('sles15 repository read by zypper with the README\'s commands', () => {
  let tree: RepoTree;
  let work: string;
  let count = 0;

  /** A new empty root where the README's key and repository lines ran against repo. */
  const addRepo = (repo: string): { root: string; zypper: (args: string[]) => Ran; added: Ran } => {
    const root = join(work, `root${count++}`);
    mkdirSync(root);
    const env = { ...process.env, ZYPP_LOGFILE: join(root, 'zypper.log'), ZYPP_LOCKFILE_ROOT: root };
    const zypper = (args: string[]): Ran => run(['zypper', '--root', root, '--non-interactive', ...args], { env, timeout: 120000 });
    const lines = readmeBlock('### EL and SLES', 'sh', 1).trim().split('\n').filter((l) => l !== INSTALL)
      .map((l) => l.replace(/^REPO_URL=.*$/, `REPO_URL=file://${repo}`).replace(/^(rpm|zypper) /, `$1 --root ${root} `));
    const added = run(['sh', '-c', lines.join('\n')], { env, cwd: repo });
    return { root, zypper, added };
  };

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'gce-repo-zypper-'));
    tree = publishedRepoTree('sles15');
  }, LONG);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
    tree?.cleanup();
  });

  it('the README\'s SLES block imports the key, adds the repository with strict gpgcheck, installs the trio', () => {
    const block = readmeBlock('### EL and SLES', 'sh', 1);
    expect(block).toMatch(/^rpm --import google-compute-engine-keyring\.asc$/m);
    expect(block).toMatch(/^zypper addrepo --gpgcheck-strict "\$\{REPO_URL\}\/yum\/google-compute-engine-sles15-x86_64" google-compute-engine$/m);
    expect(block.trim().split('\n').pop()).toBe(INSTALL);
  });

  it('zypper verifies the metadata, lists the three packages and installs google-config', () => {
    const { root, zypper, added } = addRepo(tree.repo);
    expect({ status: added.status, err: added.err }).toEqual({ status: 0, err: '' });
    const refresh = zypper(['refresh']);
    expect({ status: refresh.status, out: refresh.out }).toEqual({ status: 0, out: expect.stringContaining('All repositories have been refreshed') });
    const search = zypper(['search', '-s', 'google']);
    const names = [...search.out.matchAll(/^\s*\| (google[\w-]+) +\| package \| ([^ ]+)/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
    const v = `${tree.version()}-1.sles15`;
    expect(names).toEqual([`google-compute-engine ${v}`, `google-compute-engine-init ${v}`, `google-config ${v}`]);
    const install = zypper(['install', 'google-config']);
    expect(install.status).toBe(0);
    expect(run(['rpm', '--root', root, '-q', 'google-config']).out.trim()).toBe(`google-config-${v}.noarch`);
    expect(existsSync(join(root, 'etc/sysctl.d/11-gce-network-security.conf'))).toBe(true);
  }, LONG);

  it('zypper refuses a tampered repomd.xml (signature verification failed)', () => {
    const bad = tamperedRepomdCopy(tree.repo, join(work, 'bad-repo'));
    const { zypper, added } = addRepo(bad);
    expect(added.status).toBe(0);
    const refresh = zypper(['refresh']);
    expect(refresh.status).not.toBe(0);
    expect(refresh.out + refresh.err).toMatch(/Signature verification failed/i);
    expect(zypper(['search', 'google-config']).out).not.toMatch(/\| google-config /);
  }, LONG);

  it('zypper refuses a package signed by another key even under correctly signed metadata', () => {
    const bad = otherKeyCopy(tree, join(work, 'other-key-repo'));
    const { root, zypper, added } = addRepo(bad);
    expect(added.status).toBe(0);
    expect(zypper(['refresh']).status).toBe(0);
    const install = zypper(['install', 'google-config']);
    expect(install.status).not.toBe(0);
    expect(install.out + install.err).toMatch(/Signature verification failed|public key is not available|unknown key|NOKEY/i);
    expect(run(['rpm', '--root', root, '-q', 'google-config']).status).not.toBe(0);
  }, LONG);
});
