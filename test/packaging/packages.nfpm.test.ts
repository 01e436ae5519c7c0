/**
 * Packages built with nfpm from a staged copy of the tree, inspected with dpkg-deb, rpm and
 * lintian (packaging spec §9 "with nfpm installed"): exact paths and modes per row, conffiles
 * as marked, the intended scriptlets and relations. Skips without nfpm or the runnable tree.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeIf } from '../support/skip.js';
import { REPO, installedEntries, loadConfig, loadRow, rowConfigFiles, rowIds } from './support/packaging-model.js';
import { findNfpm, hasBuild, stageTree, type StagedTree } from './support/stage-tree.js';

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const out = (cmd: string, args: string[]): string => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const perms = (mode: number): string => [6, 3, 0].map((s) => ((mode >> s) & 7)).map((b) => `${b & 4 ? 'r' : '-'}${b & 2 ? 'w' : '-'}${b & 1 ? 'x' : '-'}`).join('');

// Every non-bundled row, plus one bundled row per packager (each bundles a ~100 MB node binary).
const ROWS = rowIds().filter((id) => loadRow(id).RUNTIME_MODE !== 'bundled' || id === 'debian11' || id === 'el8');
const canBuild = findNfpm() !== '' && hasBuild();
const run = describeIf(canBuild, 'needs nfpm 2.48.0 (make nfpm) and the runnable tree (make build)');

/** What a row's package must hold: path → 'rw-r--r--'-style perms (dirs only when owned). */
function expected(id: string, config: string): { files: Map<string, string>; dirs: string[]; conf: Map<string, string>; name: string } {
  const row = loadRow(id);
  const pkg = row.PKG_TYPE as 'deb' | 'rpm';
  const cfg = loadConfig(config);
  const files = new Map<string, string>();
  const dirs: string[] = [];
  const conf = new Map<string, string>();
  for (const [dst, e] of installedEntries(cfg, pkg, row)) {
    if (e.type === 'dir') dirs.push(dst);
    else files.set(dst, perms(e.file_info?.mode ?? 0));
    if (e.type === 'config' || e.type === 'config|noreplace') conf.set(dst, e.type);
  }
  if (pkg === 'deb') files.set(`/usr/share/doc/${cfg.name}/changelog.Debian.gz`, 'rw-r--r--');
  return { files, dirs, conf, name: cfg.name };
}

run('built packages', () => {
  let tree: StagedTree;
  const built = new Map<string, string[]>();
  beforeAll(() => {
    tree = stageTree();
  });
  afterAll(() => tree.cleanup());
  const packages = (id: string): string[] => {
    const got = built.get(id) ?? tree.build(id);
    built.set(id, got);
    return got;
  };
  const fileOf = (id: string, name: string): string => {
    const f = packages(id).find((p) => p.startsWith(`${name}_`) || p.startsWith(`${name}-3`) || new RegExp(`^${name}-\\d`).test(p));
    if (f === undefined) throw new Error(`${id}: no ${name} package in ${packages(id).join(' ')}`);
    return tree.path(id, f);
  };

  it.each(ROWS)('%s: one package per config, each file with its intended path and mode', (id) => {
    const row = loadRow(id);
    const configs = rowConfigFiles(row, id);
    expect(packages(id)).toHaveLength(configs.length);
    for (const config of configs) {
      const want = expected(id, config);
      const file = fileOf(id, want.name);
      const got = new Map<string, string>();
      const gotDirs: string[] = [];
      if (row.PKG_TYPE === 'deb') {
        for (const line of out('dpkg-deb', ['-c', file]).trim().split('\n')) {
          const m = /^([-dl])(\S{9})\s+\S+\s+\d+\s+\S+\s+\S+\s+\.(\/\S*)$/.exec(line);
          if (m?.[1] === '-' && m[3]) got.set(m[3], m[2] ?? '');
        }
      } else {
        if (!has('rpm')) return;
        for (const line of out('rpm', ['-qp', '--qf', '[%{FILEMODES:perms} %{FILENAMES}\n]', file]).split('\n').filter((l) => l !== '')) {
          const [p, path] = line.split(' ');
          if (p?.startsWith('d')) gotDirs.push(path ?? '');
          else got.set(path ?? '', p?.slice(1) ?? '');
        }
        // rpm owns exactly the directories marked type: dir, never distribution directories.
        expect({ config, dirs: gotDirs.sort() }).toEqual({ config, dirs: [...want.dirs].sort() });
      }
      expect({ config, files: Object.fromEntries([...got].sort()) }).toEqual({ config, files: Object.fromEntries([...want.files].sort()) });
    }
  });

  it.each(ROWS)('%s: conffiles are exactly the /etc files, noreplace where marked', (id) => {
    const row = loadRow(id);
    for (const config of rowConfigFiles(row, id)) {
      const want = expected(id, config);
      const file = fileOf(id, want.name);
      if (row.PKG_TYPE === 'deb') {
        const r = spawnSync('dpkg-deb', ['-I', file, 'conffiles'], { encoding: 'utf8' });
        const got = r.status === 0 ? r.stdout.trim().split('\n').filter((l) => l !== '') : [];
        expect({ config, got: got.sort() }).toEqual({ config, got: [...want.conf.keys()].sort() });
      } else if (has('rpm')) {
        // Lines are "<flags> <path>"; the flags are empty for plain files, so never trim them away.
        const lines = out('rpm', ['-qp', '--qf', '[%{FILEFLAGS:fflags} %{FILENAMES}\n]', file]).split('\n').filter((l) => l !== '');
        const parsed = lines.map((l) => /^(\S*) (.*)$/.exec(l)).map((m) => ({ flags: m?.[1] ?? '', path: m?.[2] ?? '' }));
        const got = parsed.filter((e) => e.flags.includes('c')).map((e) => `${e.path} ${e.flags.includes('n') ? 'config|noreplace' : 'config'}`);
        expect({ config, got: got.sort() }).toEqual({ config, got: [...want.conf].map(([p, t]) => `${p} ${t}`).sort() });
      }
    }
  });

  it.each(ROWS)('%s: the scriptlets are the repository scripts, verbatim', (id) => {
    const row = loadRow(id);
    for (const config of rowConfigFiles(row, id)) {
      const cfg = loadConfig(config);
      const overrides = (cfg.overrides as Record<string, { scripts?: Record<string, string> }> | undefined)?.[row.PKG_TYPE ?? '']?.scripts;
      const scripts = { ...(cfg.scripts ?? {}), ...(overrides ?? {}) };
      const file = fileOf(id, cfg.name);
      const names: Record<string, string> = { postinstall: 'postinst', preremove: 'prerm', postremove: 'postrm' };
      for (const [key, src] of Object.entries(scripts)) {
        const text = readFileSync(join(REPO, src), 'utf8');
        if (row.PKG_TYPE === 'deb') expect(out('dpkg-deb', ['-I', file, names[key] ?? key])).toBe(text);
        else if (has('rpm')) expect(out('rpm', ['-qp', '--scripts', file])).toContain(text.trim());
      }
    }
  });

  it.each(ROWS)('%s: relations carry the row\'s Node.js dependency and the exact application version', (id) => {
    const row = loadRow(id);
    const version = `${JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version as string}-${row.PKG_RELEASE ?? ''}`;
    if (row.PKG_TYPE === 'deb') {
      const app = out('dpkg-deb', ['-f', fileOf(id, 'google-compute-engine'), 'Depends']);
      if (row.NODE_DEPEND) expect(app).toContain(row.NODE_DEPEND);
      else expect(app).not.toMatch(/nodejs/);
      expect(out('dpkg-deb', ['-f', fileOf(id, 'google-compute-engine-init'), 'Depends']).trim()).toBe(`google-compute-engine (= ${version}), google-config`);
      expect(out('dpkg-deb', ['-f', fileOf(id, 'google-compute-engine'), 'Conflicts'])).toContain('google-guest-agent');
    } else if (has('rpm')) {
      const app = out('rpm', ['-qp', '--requires', fileOf(id, 'google-compute-engine')]);
      if (row.NODE_DEPEND) expect(app).toContain(row.NODE_DEPEND);
      else expect(app).not.toMatch(/nodejs/);
      expect(out('rpm', ['-qp', '--requires', fileOf(id, 'google-compute-engine-init')])).toContain(`google-compute-engine = ${version}`);
      expect(out('rpm', ['-qp', '--obsoletes', fileOf(id, 'google-compute-engine')])).toContain('python-google-compute-engine');
    }
  });

  it('a bundled row ships a private Node.js >= 18.19 that runs, in an architecture-specific package', () => {
    const file = fileOf('debian11', 'google-compute-engine');
    expect(out('dpkg-deb', ['-f', file, 'Architecture']).trim()).toBe(process.arch === 'arm64' ? 'arm64' : 'amd64');
    const x = spawnSync('sh', ['-c', `dpkg-deb --fsys-tarfile "$1" | tar -xO ./usr/lib/google-compute-engine/node/bin/node > "$2" && chmod 0755 "$2" && "$2" -p process.versions.node`, 'x', file, join(tree.dir, 'node-from-deb')], { encoding: 'utf8' });
    expect(x.status).toBe(0);
    const [major, minor] = x.stdout.trim().split('.').map(Number);
    expect((major ?? 0) > 18 || ((major ?? 0) === 18 && (minor ?? 0) >= 19)).toBe(true);
  });

  (has('lintian') ? it : it.skip)('lintian finds no error in the debian12 debs', () => {
    const files = packages('debian12').map((f) => tree.path('debian12', f));
    const r = spawnSync('lintian', ['--tag-display-limit', '0', ...files], { encoding: 'utf8' });
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('E:'));
    expect(errors).toEqual([]);
  });
});
