/**
 * Builds packages for tests without touching the repository: copies the packaging inputs and
 * the runnable tree (build/, which `make dist` copies verbatim into dist/payload) into a temp
 * directory and runs nfpm/build-row.sh there. It writes only under that temp directory.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './packaging-model.js';

const INPUTS = ['nfpm', 'init', 'udev', 'sysctl', 'rsyslog', 'shell', 'LICENSE', 'package.json'];

/** The nfpm binary of the pinned version, or '' when none is installed. */
export function findNfpm(): string {
  const r = spawnSync(join(REPO, 'nfpm', 'install-nfpm.sh'), ['--find'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

/** True when `make build` has produced the runnable tree the packages are built from. */
export function hasBuild(): boolean {
  return existsSync(join(REPO, 'build', 'bin')) && existsSync(join(REPO, 'build', 'lib'));
}

/** A staged copy of the packaging inputs with dist/payload filled from build/. */
export interface StagedTree {
  readonly dir: string;
  /** Builds one row; returns the package file names in dist/<row>/ (throws with nfpm's output). */
  build(row: string): string[];
  /** Path of a built package. */
  path(row: string, file: string): string;
  cleanup(): void;
}

/** Stages the tree; SOURCE_DATE_EPOCH comes from the repository's last commit (reproducible). */
export function stageTree(): StagedTree {
  const dir = mkdtempSync(join(tmpdir(), 'gce-pkg-'));
  for (const item of INPUTS) cpSync(join(REPO, item), join(dir, item), { recursive: true });
  mkdirSync(join(dir, 'dist', 'payload'), { recursive: true });
  cpSync(join(REPO, 'build', 'bin'), join(dir, 'dist', 'payload', 'bin'), { recursive: true });
  cpSync(join(REPO, 'build', 'lib'), join(dir, 'dist', 'payload', 'lib'), { recursive: true });
  const epoch = spawnSync('git', ['-C', REPO, 'log', '-1', '--format=%ct'], { encoding: 'utf8' }).stdout.trim() || '1700000000';
  return {
    dir,
    build(row) {
      const r = spawnSync(join(dir, 'nfpm', 'build-row.sh'), [row, 'any'], {
        encoding: 'utf8',
        env: { ...process.env, SOURCE_DATE_EPOCH: epoch },
        timeout: 300000,
      });
      if (r.status !== 0) throw new Error(`build-row.sh ${row} failed (${r.status}):\n${r.stdout}${r.stderr}`);
      return readdirSync(join(dir, 'dist', row)).sort();
    },
    path: (row, file) => join(dir, 'dist', row, file),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
