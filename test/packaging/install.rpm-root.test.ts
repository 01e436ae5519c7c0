/**
 * Every rpm row's packages installed together with `rpm -i --root` into an empty root with an
 * empty database (`--nodeps`: the root has no distribution; `--noscripts`: it has no /bin/sh
 * either), verified with `rpm -V`, then erased: the paths are accepted by rpm, no two packages
 * of a row collide, and removal leaves no file behind. The scriptlets are checked from the
 * package headers: /bin/sh is their interpreter and dash and bash parse them (what they do is
 * covered by the maintscripts tests). Everything happens under a temp dir.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describeIf, isRoot } from '../support/skip.js';
import { loadRow, rowIds } from './support/packaging-model.js';
import { findNfpm, hasBuild, stageTree, type StagedTree } from './support/stage-tree.js';

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const ROWS = rowIds().filter((id) => loadRow(id).PKG_TYPE === 'rpm');
const SCRIPTLETS = ['PRETRANS', 'PREIN', 'POSTIN', 'PREUN', 'POSTUN', 'POSTTRANS'];
const missing = [
  isRoot() ? '' : 'root (rpm --root chroots)',
  has('rpm') ? '' : 'rpm (apt-get install rpm)',
  has('dash') && has('bash') ? '' : 'dash and bash',
  findNfpm() !== '' ? '' : 'nfpm 2.48.0 (make nfpm)',
  hasBuild() ? '' : 'the runnable tree (make build)',
].filter((m) => m !== '');

/** Runs rpm; Debian's rpm prints an "use Alien" notice on stderr, which is dropped. */
function rpm(args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync('rpm', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300000 });
  const err = r.stderr.split('\n').filter((l) => l !== '' && !/use Alien instead|assuming you know what you are doing/.test(l)).join('\n');
  return { status: r.status, out: r.stdout, err };
}

/** Files (not directories) under dir, relative to it. */
function filesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else found.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return found.sort();
}

describeIf(missing.length === 0, `needs ${missing.join(', ')}`)('rpm packages installed with rpm -i --root into an empty root', () => {
  let tree: StagedTree;
  let work: string;
  const built = new Map<string, string[]>();
  const packages = (id: string): string[] => {
    const got = built.get(id) ?? tree.build(id).map((f) => tree.path(id, f));
    built.set(id, got);
    return got;
  };
  beforeAll(() => {
    tree = stageTree();
    work = mkdtempSync(join(tmpdir(), 'gce-rpmroot-'));
  });
  afterAll(() => {
    tree?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it.each(ROWS)('%s: the row installs, verifies and erases cleanly in an empty root', (id) => {
    const files = packages(id);
    const root = mkdtempSync(join(work, `${id}-`));
    const db = ['--root', root, '--dbpath', '/var/lib/rpm'];
    const names = files.map((f) => rpm(['-qp', '--qf', '%{NAME}', f]).out).sort();
    expect(rpm(['-i', ...db, '--nodeps', '--noscripts', ...files])).toEqual({ status: 0, out: '', err: '' });
    expect(rpm([...db, '-qa', '--qf', '%{NAME}\n']).out.trim().split('\n').sort()).toEqual(names);
    expect(rpm([...db, '-Va', '--nodeps', '--noscripts'])).toEqual({ status: 0, out: '', err: '' });
    // Every file of every package is in the root, and nothing else is (besides the database).
    const listed = rpm([...db, '-qa', '--qf', '[%{FILEMODES:perms} %{FILENAMES}\n]']).out.trim().split('\n')
      .filter((l) => !l.startsWith('d')).map((l) => l.slice(l.indexOf(' /') + 2)).sort();
    expect(filesUnder(root).filter((f) => !f.startsWith('var/lib/rpm/'))).toEqual(listed);
    expect(rpm(['-e', ...db, '--nodeps', '--noscripts', ...names])).toEqual({ status: 0, out: '', err: '' });
    expect(rpm([...db, '-qa']).out).toBe('');
    expect(filesUnder(root).filter((f) => !f.startsWith('var/lib/rpm/'))).toEqual([]);
  }, 300000);

  it.each(ROWS)('%s: every scriptlet runs under /bin/sh and parses with dash and bash', (id) => {
    let seen = 0;
    for (const f of packages(id)) {
      for (const tag of SCRIPTLETS) {
        const body = rpm(['-qp', '--qf', `%|${tag}?{%{${tag}}}:{}|`, f]).out;
        if (body === '') continue;
        seen += 1;
        const where = `${f.slice(f.lastIndexOf('/') + 1)} ${tag}`;
        expect({ where, prog: rpm(['-qp', '--qf', `%{${tag}PROG}`, f]).out }).toEqual({ where, prog: '/bin/sh' });
        const script = join(work, `${id}-${tag}.sh`);
        writeFileSync(script, body);
        for (const sh of ['dash', 'bash']) {
          const r = spawnSync(sh, ['-n', script], { encoding: 'utf8' });
          expect({ where, sh, status: r.status, err: r.stderr }).toEqual({ where, sh, status: 0, err: '' });
        }
      }
    }
    expect(seen).toBeGreaterThan(0);
  }, 300000);
});
