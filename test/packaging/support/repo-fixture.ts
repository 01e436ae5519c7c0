/**
 * Repositories for tests: a staged packaging tree (stage-tree.ts) whose rows are built and then
 * published with nfpm/repo/build-repo.sh into the staged dist/repo, plus the README's install
 * blocks, private GNUPGHOMEs for extra keys and a throw-away rpm database. Everything lives in
 * temp dirs; gpg-agents started for them are stopped on cleanup.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './packaging-model.js';
import { findNfpm, hasBuild, stageTree, type StagedTree } from './stage-tree.js';

export interface Ran {
  readonly status: number | null;
  readonly out: string;
  readonly err: string;
}

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Runs argv; stdout and stderr kept apart. */
export function run(argv: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeout?: number } = {}): Ran {
  const [cmd = 'false', ...args] = argv;
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: opts.env ?? process.env, cwd: opts.cwd, timeout: opts.timeout ?? 300000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, out: r.stdout ?? '', err: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** Why repositories cannot be built here ('' when they can). */
export function repoBlocker(): string {
  const missing = [
    findNfpm() !== '' ? '' : 'nfpm 2.48.0 (make nfpm)',
    hasBuild() ? '' : 'the runnable tree (make build)',
    ...[['gpg', 'gnupg'], ['gpgv', 'gpgv'], ['apt-ftparchive', 'apt-utils'], ['createrepo_c', 'createrepo-c'], ['rpmsign', 'rpm']]
      .map(([cmd, pkg]) => (has(cmd ?? '') ? '' : `${cmd} (apt-get install ${pkg})`)),
  ].filter((m) => m !== '');
  return missing.length > 0 ? `needs ${missing.join(', ')}` : '';
}

export interface RepoTree {
  readonly dir: string;
  /** The staged dist/repo. */
  readonly repo: string;
  build(row: string): string[];
  /** Path of a built package in dist/<row>/. */
  path(row: string, file: string): string;
  /** Sets the version in the staged package.json (the data file build-row.sh reads). */
  setVersion(version: string): void;
  version(): string;
  /** Runs nfpm/repo/build-repo.sh on the staged dist with extra environment. */
  publish(env?: NodeJS.ProcessEnv): Ran;
  cleanup(): void;
}

/** A staged tree that can build rows and publish them (SIGNING_* variables removed from the env). */
export function stageRepoTree(): RepoTree {
  const tree: StagedTree = stageTree();
  const pkg = join(tree.dir, 'package.json');
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('GCE_REPO_')) delete base[k];
  return {
    dir: tree.dir,
    repo: join(tree.dir, 'dist', 'repo'),
    build: (row) => tree.build(row),
    path: (row, file) => tree.path(row, file),
    setVersion(version) {
      const doc = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
      doc.version = version;
      writeFileSync(pkg, `${JSON.stringify(doc, null, 2)}\n`);
    },
    version: () => (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version,
    publish: (env = {}) => run([join(tree.dir, 'nfpm', 'repo', 'build-repo.sh')], { env: { ...base, ...env }, timeout: 300000 }),
    cleanup: () => tree.cleanup(),
  };
}

/** version with its last number increased by one ("3.0.0" -> "3.0.1"). */
export function nextVersion(version: string): string {
  return version.replace(/(\d+)$/, (n) => String(Number(n) + 1));
}

/**
 * The index-th fenced block of language lang after the heading line `heading` in README.md (and
 * before the next heading of the same or a higher level).
 */
export function readmeBlock(heading: string, lang: string, index = 0): string {
  const text = readFileSync(join(REPO, 'README.md'), 'utf8');
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no heading ${heading}`);
  const level = heading.split(' ')[0] ?? '#';
  const rest = text.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`\\n#{1,${level.length}} `));
  const section = end < 0 ? rest : rest.slice(0, end);
  const blocks = [...section.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1] ?? '');
  const block = blocks[index];
  if (block === undefined) throw new Error(`README.md ${heading}: no ${lang} block #${index}`);
  return block;
}

/** A private GNUPGHOME (short path, for gpg-agent's socket). */
export interface GpgHome {
  readonly home: string;
  gpg(args: string[], input?: string): Ran;
  /** Generates an RSA signing key, protected when passphrase is set; returns its fingerprint. */
  generate(name: string, passphrase?: string): string;
  exportSecret(fpr: string, passphrase?: string): string;
  cleanup(): void;
}

export function gpgHome(): GpgHome {
  const home = mkdtempSync('/tmp/gce-test-gpg.');
  const gpg = (args: string[], input?: string): Ran => {
    const r = spawnSync('gpg', ['--batch', '--homedir', home, ...args], { encoding: 'utf8', input, timeout: 120000 });
    return { status: r.status, out: r.stdout ?? '', err: r.stderr ?? '' };
  };
  const pass = (p?: string): string[] => ['--pinentry-mode', 'loopback', '--passphrase', p ?? ''];
  return {
    home,
    gpg,
    generate(name, passphrase) {
      const r = gpg([...pass(passphrase), '--quick-gen-key', `${name} <${name}@example.invalid>`, 'rsa2048', 'sign', '1y']);
      if (r.status !== 0) throw new Error(`gpg key generation failed: ${r.err}`);
      const list = gpg(['--with-colons', '--list-secret-keys', `${name}@example.invalid`]);
      const fpr = /^fpr:{9}([0-9A-F]{40}):/m.exec(list.out)?.[1];
      if (!fpr) throw new Error(`no fingerprint for ${name}: ${list.out}`);
      return fpr;
    },
    exportSecret(fpr, passphrase) {
      return gpg([...pass(passphrase), '--armor', '--export-secret-keys', fpr]).out;
    },
    cleanup() {
      spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** `rpm -K` on files with a throw-away rpm database that trusts the given armoured keys. */
export function rpmCheck(files: string[], keys: string[]): Ran {
  const db = mkdtempSync(join(tmpdir(), 'gce-rpmdb-'));
  try {
    for (const key of keys) {
      const r = run(['rpm', '--dbpath', db, '--import', key]);
      if (r.status !== 0) return r;
    }
    return run(['rpm', '--dbpath', db, '-K', ...files]);
  } finally {
    rmSync(db, { recursive: true, force: true });
  }
}

/** Every file under dir (relative path -> bytes), for before/after comparisons. */
export function snapshotTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const p = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else out.set(p, readFileSync(join(dir, p)).toString('base64'));
    }
  };
  if (existsSync(dir)) walk('');
  return out;
}

/** Copies a published repository elsewhere (a snapshot to serve while dist/repo moves on). */
export function copyRepo(from: string, to: string): string {
  cpSync(from, to, { recursive: true });
  return to;
}

/**
 * In a copy of a published repository, signs one package of its (only) yum repository with a new
 * key instead, then regenerates the metadata and signs repomd.xml with the repository's own key
 * (its secret key file given): correct metadata vouching for a package whose signature is not
 * the repository's. Returns the yum repository directory.
 */
export function resignWithOtherKey(repoCopy: string, prefix: string, repoSecret: string): string {
  const yum = join(repoCopy, 'yum', readdirSync(join(repoCopy, 'yum'))[0] ?? '');
  const pkg = join(yum, 'Packages', readdirSync(join(yum, 'Packages')).find((f) => f.startsWith(prefix)) ?? '');
  const keys = gpgHome();
  const must = (what: string, r: Ran): void => {
    if (r.status !== 0) throw new Error(`${what} failed: ${r.out}${r.err}`);
  };
  try {
    const other = keys.generate('not-the-repository-key');
    must('rpmsign', run(['rpmsign', '--define', `__gpg ${run(['sh', '-c', 'command -v gpg']).out.trim()}`, '--define', `_gpg_path ${keys.home}`,
      '--define', `_gpg_name ${other}`, '--define', "_gpg_sign_cmd_extra_args --batch --pinentry-mode loopback --passphrase ''", '--addsign', pkg]));
    must('createrepo_c', run(['createrepo_c', '--quiet', '--update', yum]));
    must('gpg --import', keys.gpg(['--import', repoSecret]));
    const listed = keys.gpg(['--with-colons', '--import-options', 'show-only', '--import', join(repoCopy, 'google-compute-engine-keyring.asc')]).out;
    const fpr = /^fpr:{9}([0-9A-F]{40}):/m.exec(listed)?.[1] ?? '';
    must('gpg --detach-sign', keys.gpg(['--yes', '--pinentry-mode', 'loopback', '--passphrase', '', '--local-user', fpr, '--armor', '--detach-sign',
      '-o', join(yum, 'repodata/repomd.xml.asc'), join(yum, 'repodata/repomd.xml')]));
  } finally {
    keys.cleanup();
  }
  return yum;
}


/** A staged tree with `row` built and published into its dist/repo; throws when publishing fails. */
export function publishedRepoTree(row: string): RepoTree {
  const tree = stageRepoTree();
  tree.build(row);
  const r = tree.publish();
  if (r.status !== 0) throw new Error(`build-repo.sh failed: ${r.err}`);
  return tree;
}

/** A copy of `repo` at `to` whose (only) yum repomd.xml no longer matches its signature. */
export function tamperedRepomdCopy(repo: string, to: string): string {
  copyRepo(repo, to);
  const yum = join(to, 'yum', readdirSync(join(to, 'yum'))[0] ?? '');
  const repomd = join(yum, 'repodata/repomd.xml');
  writeFileSync(repomd, readFileSync(repomd, 'utf8').replace(/<revision>(\d+)<\/revision>/, '<revision>1$1</revision>'));
  return to;
}

/** A copy of `tree`'s repository at `to` where google-config is signed by another key. */
export function otherKeyCopy(tree: RepoTree, to: string): string {
  copyRepo(tree.repo, to);
  resignWithOtherKey(to, 'google-config-', join(tree.dir, 'dist/.repo-throwaway-key/secret.asc'));
  return to;
}
