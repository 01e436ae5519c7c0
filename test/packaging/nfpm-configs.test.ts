/**
 * Structural checks of the nfpm configs and row files (packaging spec §1, §3, §6, §7, §9, design
 * habit 11). Runs without nfpm: it reads YAML and env files and looks at the repository.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  REPO,
  configFiles,
  installedEntries,
  loadConfig,
  loadRow,
  repoHas,
  rowConfigFiles,
  rowIds,
  type NfpmConfig,
} from './support/packaging-model.js';

const configs = configFiles();
const byFile = new Map(configs.map((f) => [f, loadConfig(f)] as const));
const cfg = (file: string): NfpmConfig => {
  const c = byFile.get(file);
  if (!c) throw new Error(`no nfpm/${file}`);
  return c;
};

/** Where a payload file comes from: the entry's TypeScript source or the bash helper. */
function payloadSource(src: string): string | undefined {
  const bin = /^dist\/payload\/bin\/([a-z_]+)$/.exec(src);
  if (bin?.[1]) return repoHas(`ts/bin/${bin[1]}.ts`) ? `ts/bin/${bin[1]}.ts` : `shell/${bin[1]}`;
  const lib = /^dist\/payload\/lib\/([a-z_]+)\.mjs$/.exec(src);
  if (lib?.[1]) return `ts/bin/${lib[1]}.ts`;
  return undefined;
}

describe('nfpm configs', () => {
  it.each(configs)('%s: every src exists (payload files through their sources)', (file) => {
    const missing: string[] = [];
    for (const c of cfg(file).contents) {
      if (c.src === undefined) continue;
      if (c.src.startsWith('dist/runtime/')) continue; // copied from the build machine's node at build time
      const source = payloadSource(c.src) ?? c.src;
      if (!repoHas(source)) missing.push(`${c.src} (${source})`);
    }
    for (const script of Object.values(cfg(file).scripts ?? {})) if (!repoHas(script)) missing.push(script);
    expect(missing).toEqual([]);
  });

  it.each(configs)('%s: every file has an explicit 0644/0755 mode, executables 0755', (file) => {
    for (const c of cfg(file).contents) {
      const mode = c.file_info?.mode;
      expect({ dst: c.dst, mode }).toEqual({ dst: c.dst, mode: expect.any(Number) });
      if (c.type === 'dir') {
        expect({ dst: c.dst, mode }).toEqual({ dst: c.dst, mode: 0o755 });
        continue;
      }
      expect([0o644, 0o755]).toContain(mode);
      if (/^\/usr\/bin\/|^\/etc\/init\.d\/|\/node\/bin\/node$/.test(c.dst)) expect({ dst: c.dst, mode }).toEqual({ dst: c.dst, mode: 0o755 });
    }
  });

  it.each(configs)('%s: /etc files are config or config|noreplace, nothing else is', (file) => {
    for (const c of cfg(file).contents) {
      if (c.type === 'dir') continue;
      const isConfig = c.type === 'config' || c.type === 'config|noreplace';
      expect({ dst: c.dst, isConfig }).toEqual({ dst: c.dst, isConfig: c.dst.startsWith('/etc/') });
    }
  });

  it.each(configs)('%s: never ships the emulator, the demo or the shell library', (file) => {
    for (const c of cfg(file).contents) expect(c.src ?? '').not.toMatch(/gce_metadata_emulator|gce_demo|payload\/lib\/shell/);
  });

  it('package configs use no glob that could silently drop a file', () => {
    for (const file of configs) for (const c of cfg(file).contents) expect(c.src ?? '').not.toMatch(/[*?[]/);
  });

  const families: Array<[string, (c: NfpmConfig) => unknown]> = [
    ['google-compute-engine', (c) => ({ ...c, arch: undefined, contents: c.contents.filter((e) => !e.dst.startsWith('/usr/lib/google-compute-engine/node')) })],
    ['google-compute-engine-init', (c) => ({ ...c, contents: undefined, scripts: undefined })],
    ['google-config', (c) => ({ ...c, contents: undefined })],
    ['gce-disk-expand', (c) => ({ ...c, contents: undefined, scripts: undefined, depends: undefined })],
  ];
  it.each(families)('the variants of %s share an identical core', (name, core) => {
    const variants = configs.filter((f) => cfg(f).name === name);
    expect(variants.length).toBeGreaterThan(1);
    const first = variants[0];
    for (const f of variants.slice(1)) expect({ file: f, core: core(cfg(f)) }).toEqual({ file: f, core: first === undefined ? undefined : core(cfg(first)) });
  });

  it('the application ships the seven entries with wrappers and bundles, and the two helpers', () => {
    const entries = ['google_guest_daemon', 'google_accounts_daemon', 'google_clock_skew_daemon', 'google_ip_forwarding_daemon',
      'google_instance_setup', 'google_metadata_script_runner', 'google_metadata'];
    const dsts = cfg('google-compute-engine.yaml').contents.map((c) => c.dst).filter((d) => !d.startsWith('/usr/share/'));
    expect(dsts.sort()).toEqual([
      '/usr/lib/google-compute-engine',
      ...entries.map((e) => `/usr/bin/${e}`),
      '/usr/bin/google_optimize_local_ssd',
      '/usr/bin/google_set_multiqueue',
      ...entries.map((e) => `/usr/lib/google-compute-engine/${e}.mjs`),
    ].sort());
  });

  it('the bundled variant adds only the private runtime under /usr/lib/google-compute-engine/node', () => {
    const plain = new Set(cfg('google-compute-engine.yaml').contents.map((c) => c.dst));
    const added = cfg('google-compute-engine.bundled.yaml').contents.map((c) => c.dst).filter((d) => !plain.has(d));
    expect(added.sort()).toEqual(['/usr/lib/google-compute-engine/node', '/usr/lib/google-compute-engine/node/LICENSE',
      '/usr/lib/google-compute-engine/node/bin', '/usr/lib/google-compute-engine/node/bin/node']);
  });

  it('only -init depends on the application (no dependency cycle), with the exact version', () => {
    for (const file of configs) {
      const text = JSON.stringify(cfg(file));
      const dependsOnApp = /google-compute-engine \(=|google-compute-engine =/.test(text);
      expect({ file, dependsOnApp }).toEqual({ file, dependsOnApp: cfg(file).name === 'google-compute-engine-init' });
    }
  });
});

describe('init files', () => {
  const variants = ['systemd', 'upstart', 'sysvinit'] as const;
  // Files the shell helper owns and gce-disk-expand packages, each for one EL row.
  const diskExpand = new Map([['init/systemd/expand-root.service', 'gce-disk-expand.el7.yaml'], ['init/sysvinit/expand-root', 'gce-disk-expand.el6.yaml']]);

  it.each(variants)('every file under init/%s is packaged by its variant and by no other config', (variant) => {
    const files = readdirSync(join(REPO, 'init', variant)).map((f) => `init/${variant}/${f}`).filter((f) => !diskExpand.has(f));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const users = configs.filter((c) => cfg(c).contents.some((e) => e.src === f));
      expect({ f, users }).toEqual({ f, users: [`google-compute-engine-init.${variant}.yaml`] });
    }
  });

  it.each([...diskExpand])('%s is packaged by %s only', (file, config) => {
    expect(configs.filter((c) => cfg(c).contents.some((e) => e.src === file))).toEqual([config]);
  });

  it.each(variants)('the %s variant packages only its own init directory (and its copyright)', (variant) => {
    for (const c of cfg(`google-compute-engine-init.${variant}.yaml`).contents) {
      if (c.src === 'nfpm/copyright') continue;
      expect(c.src).toMatch(new RegExp(`^init/${variant}/`));
    }
    for (const s of Object.values(cfg(`google-compute-engine-init.${variant}.yaml`).scripts ?? {})) {
      expect(s).toMatch(new RegExp(`^nfpm/scripts/google-compute-engine-init/${variant}/`));
    }
  });

  it('systemd files go to /usr/lib/systemd/system and the preset directory', () => {
    for (const c of cfg('google-compute-engine-init.systemd.yaml').contents) {
      if (c.src?.endsWith('.service')) expect(c.dst).toBe(`/usr/lib/systemd/system/${c.src.split('/').pop() ?? ''}`);
      if (c.src?.endsWith('.preset')) expect(c.dst).toBe('/usr/lib/systemd/system-preset/90-google-compute-engine.preset');
    }
  });
});

// The distribution matrix of packaging spec §7.1/§7.2/§7.3 and the row ids of §8.
const MATRIX: Record<string, { pkg: string; init: string; udev: string; config: string; runtime: string }> = {
  debian7: { pkg: 'deb', init: 'sysvinit', udev: '/lib/udev/rules.d', config: 'deb-hook-removal', runtime: 'seed' },
  debian8: { pkg: 'deb', init: 'systemd', udev: '/lib/udev/rules.d', config: 'deb-hook', runtime: 'seed' },
  el6: { pkg: 'rpm', init: 'upstart', udev: '/lib/udev/rules.d', config: 'el6-hook', runtime: 'seed' },
  el7: { pkg: 'rpm', init: 'systemd', udev: '/usr/lib/udev/rules.d', config: 'el7-hook', runtime: 'seed' },
  ubuntu1204: { pkg: 'deb', init: 'upstart', udev: '/lib/udev/rules.d', config: 'deb-hook-removal', runtime: 'seed' },
  ubuntu1404: { pkg: 'deb', init: 'upstart', udev: '/lib/udev/rules.d', config: 'deb-hook-removal', runtime: 'seed' },
  ubuntu1604: { pkg: 'deb', init: 'systemd', udev: '/lib/udev/rules.d', config: 'deb-hook', runtime: 'seed' },
  sles11: { pkg: 'rpm', init: 'sysvinit', udev: '/lib/udev/rules.d', config: 'no-hook-removal', runtime: 'seed' },
  sles12: { pkg: 'rpm', init: 'systemd', udev: '/usr/lib/udev/rules.d', config: 'no-hook', runtime: 'seed' },
  debian11: { pkg: 'deb', init: 'systemd', udev: '/lib/udev/rules.d', config: 'deb-hook', runtime: 'bundled' },
  debian12: { pkg: 'deb', init: 'systemd', udev: '/lib/udev/rules.d', config: 'deb-hook', runtime: 'distro' },
  debian13: { pkg: 'deb', init: 'systemd', udev: '/usr/lib/udev/rules.d', config: 'deb-hook', runtime: 'distro' },
  ubuntu2004: { pkg: 'deb', init: 'systemd', udev: '/lib/udev/rules.d', config: 'no-hook', runtime: 'bundled' },
  ubuntu2204: { pkg: 'deb', init: 'systemd', udev: '/lib/udev/rules.d', config: 'no-hook', runtime: 'bundled' },
  ubuntu2404: { pkg: 'deb', init: 'systemd', udev: '/usr/lib/udev/rules.d', config: 'deb-hook', runtime: 'distro' },
  el8: { pkg: 'rpm', init: 'systemd', udev: '/usr/lib/udev/rules.d', config: 'no-hook', runtime: 'bundled' },
  el9: { pkg: 'rpm', init: 'systemd', udev: '/usr/lib/udev/rules.d', config: 'no-hook', runtime: 'bundled' },
  el10: { pkg: 'rpm', init: 'systemd', udev: '/usr/lib/udev/rules.d', config: 'no-hook', runtime: 'distro' },
  sles15: { pkg: 'rpm', init: 'systemd', udev: '/usr/lib/udev/rules.d', config: 'no-hook', runtime: 'bundled' },
};
const INIT_DIRS: Record<string, string> = { systemd: '/usr/lib/systemd/system', upstart: '/etc/init', sysvinit: '/etc/init.d' };
const OLD_RPM = new Set(['el6', 'el7', 'sles11', 'sles12']); // rpm < 4.12: no weak dependencies

describe('rows', () => {
  it('there is one env file per row id of the spec, and no other', () => {
    expect(rowIds()).toEqual(Object.keys(MATRIX).sort());
  });

  it.each(Object.keys(MATRIX))('%s: matches the matrix (package type, init, udev dir, hook variant, runtime)', (id) => {
    const row = loadRow(id);
    const want = MATRIX[id];
    expect(want).toBeDefined();
    if (!want) return;
    expect([row.PKG_TYPE, row.INIT_SYSTEM, row.UDEV_DIR, row.CONFIG_VARIANT, row.RUNTIME_MODE])
      .toEqual([want.pkg, want.init, want.udev, want.config, want.runtime]);
    expect(row.INIT_DIR).toBe(INIT_DIRS[want.init]);
    expect(row.PKG_RELEASE).toBe(want.pkg === 'rpm' ? `1.${id}` : `1+${id}`);
    expect(row.ROW_NAME).toMatch(/\S/);
  });

  it.each(Object.keys(MATRIX))('%s: the Node.js dependency follows the runtime mode and the packager', (id) => {
    const row = loadRow(id);
    const glibc = Number((row.ROW_GLIBC ?? '').replace(/^2\./, ''));
    if (row.RUNTIME_MODE === 'bundled') {
      expect(row.NODE_DEPEND).toBe('');
      expect(row.DEP_RUNTIME_LIBS).toMatch(/^libstdc\+\+/);
      expect(glibc).toBeGreaterThanOrEqual(28);
      return;
    }
    expect(row.DEP_RUNTIME_LIBS).toBe('');
    if (row.RUNTIME_MODE === 'seed') expect(glibc).toBeLessThan(28);
    if (row.PKG_TYPE === 'deb') expect(row.NODE_DEPEND).toBe('nodejs (>= 18.19)');
    else if (id.startsWith('el')) expect(row.NODE_DEPEND).toBe('nodejs >= 1:18.19');
    else expect(row.NODE_DEPEND).toMatch(/^nodejs[0-9]* >= 18\.19$/);
  });

  it.each(Object.keys(MATRIX))('%s: weak dependencies only where rpm supports them, and every config exists', (id) => {
    const row = loadRow(id);
    const recommends = [row.RECOMMENDS_ETHTOOL, row.RECOMMENDS_SUDO, row.RECOMMENDS_RSYSLOG].join('');
    expect(recommends === '').toBe(OLD_RPM.has(id));
    expect(row.DISK_EXPAND).toBe(id === 'el6' || id === 'el7' ? 'yes' : 'no');
    for (const file of rowConfigFiles(row, id)) expect({ file, exists: configs.includes(file) }).toEqual({ file, exists: true });
  });

  it.each(Object.keys(MATRIX))('%s: google-config places rules, shims and the removal rule per §7.3', (id) => {
    const row = loadRow(id);
    const want = MATRIX[id];
    if (!want) return;
    const files = installedEntries(cfg(`google-config.${want.config}.yaml`), want.pkg as 'deb' | 'rpm', row);
    const dsts = [...files.keys()].filter((d) => !d.startsWith('/usr/share/'));
    const expected = [
      '/etc/sysctl.d/11-gce-network-security.conf',
      '/etc/rsyslog.d/90-google.conf',
      `${want.udev}/65-gce-disk-naming.rules`,
    ];
    if (want.init !== 'systemd') expected.push(`${want.udev}/64-gce-disk-removal.rules`);
    const shim: Record<string, string | undefined> = {
      'deb-hook': '/etc/dhcp/dhclient-exit-hooks.d/google_set_hostname',
      'deb-hook-removal': '/etc/dhcp/dhclient-exit-hooks.d/google_set_hostname',
      'el6-hook': '/etc/dhcp/dhclient-exit-hooks',
      'el7-hook': '/etc/dhcp/dhclient.d/google_hostname.sh',
    };
    const hook = shim[want.config];
    if (hook !== undefined) expected.push('/usr/bin/google_set_hostname', hook);
    expect(dsts.sort()).toEqual(expected.sort());
    for (const noreplace of ['/etc/sysctl.d/11-gce-network-security.conf', '/etc/rsyslog.d/90-google.conf']) {
      expect(files.get(noreplace)?.type).toBe('config|noreplace');
    }
    if (want.config === 'el6-hook') expect(files.get('/etc/dhcp/dhclient-exit-hooks')?.type).toBe('config|noreplace');
  });
});
