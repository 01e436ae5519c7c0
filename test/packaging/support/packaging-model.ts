/**
 * Reads the packaging sources for tests: nfpm YAML configs (through js-yaml), the row env
 * files of nfpm/rows, and the paths of the repository. Pure reading; it builds nothing and
 * must not write anywhere.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsYaml from 'js-yaml';

/** Absolute path of the repository root. */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** One `contents` entry of an nfpm config, as written. */
export interface NfpmContent {
  readonly src?: string;
  readonly dst: string;
  readonly type?: string;
  readonly packager?: string;
  readonly expand?: boolean;
  readonly file_info?: { readonly mode?: number };
}

/** An nfpm config: the keys the tests look at, the rest kept as unknown. */
export interface NfpmConfig extends Record<string, unknown> {
  readonly name: string;
  readonly contents: readonly NfpmContent[];
  readonly scripts?: Readonly<Record<string, string>>;
}

/** File names (not paths) of every nfpm config in nfpm/. */
export function configFiles(): string[] {
  return readdirSync(join(REPO, 'nfpm')).filter((f) => f.endsWith('.yaml')).sort();
}

/** Parses nfpm/<file>. */
export function loadConfig(file: string): NfpmConfig {
  const doc = jsYaml.safeLoad(readFileSync(join(REPO, 'nfpm', file), 'utf8'));
  if (typeof doc !== 'object' || doc === null) throw new Error(`nfpm/${file}: not a mapping`);
  return doc as NfpmConfig;
}

/** The row ids of nfpm/rows, sorted. */
export function rowIds(): string[] {
  return readdirSync(join(REPO, 'nfpm', 'rows'))
    .filter((f) => f.endsWith('.env'))
    .map((f) => f.slice(0, -'.env'.length))
    .sort();
}

/** Parses nfpm/rows/<id>.env: comment lines and KEY='value' lines only (anything else throws). */
export function loadRow(id: string): Record<string, string> {
  const out: Record<string, string> = {};
  const text = readFileSync(join(REPO, 'nfpm', 'rows', `${id}.env`), 'utf8');
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Z][A-Z0-9_]*)='([^']*)'$/.exec(line);
    if (!m || m[1] === undefined || m[2] === undefined) throw new Error(`${id}.env: bad line ${JSON.stringify(line)}`);
    out[m[1]] = m[2];
  }
  return out;
}

/** The nfpm configs a row builds, in build order (mirrors row_configs in nfpm/build-row.sh). */
export function rowConfigFiles(row: Record<string, string>, id: string): string[] {
  const files = [
    row.RUNTIME_MODE === 'bundled' ? 'google-compute-engine.bundled.yaml' : 'google-compute-engine.yaml',
    `google-compute-engine-init.${row.INIT_SYSTEM ?? ''}.yaml`,
    `google-config.${row.CONFIG_VARIANT ?? ''}.yaml`,
  ];
  if (row.DISK_EXPAND === 'yes') files.push(`gce-disk-expand.${id}.yaml`);
  return files;
}

/** Expands ${VAR} the way nfpm does for `expand: true` entries (unset → empty). */
export function expandVars(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a: string | undefined, b: string | undefined) => env[a ?? b ?? ''] ?? '');
}

/** The installed contents of a config for one packager and row: dst → entry. */
export function installedEntries(cfg: NfpmConfig, packager: 'deb' | 'rpm', row: Record<string, string>): Map<string, NfpmContent> {
  const out = new Map<string, NfpmContent>();
  for (const c of cfg.contents) {
    if (c.packager !== undefined && c.packager !== packager) continue;
    const dst = c.expand === true ? expandVars(c.dst, row) : c.dst;
    out.set(dst, c);
  }
  return out;
}

/** True when a path exists relative to the repository root. */
export function repoHas(path: string): boolean {
  return existsSync(join(REPO, path));
}
