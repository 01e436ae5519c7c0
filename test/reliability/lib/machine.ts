/**
 * Sandbox machines for the reliability campaign: a temp root built by createSandboxRoot (the one
 * the demo and the accounts harness use), an optional instance_configs.cfg, metadata documents
 * for a set of users, and polling helpers. Writes only inside the temp directory it creates.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandboxRoot, type SandboxRootOptions } from '../../../ts/os/sandbox-root.js';
import { edKey } from '../../integration/accounts-harness.js';

export { edKey };

export interface Machine {
  /** The temp directory holding the root (and scratch space beside it). */
  readonly dir: string;
  /** The machine root given to `--root`. */
  readonly root: string;
  path(p: string): string;
  read(p: string): string | undefined;
  cleanup(): void;
}

/** Creates `<tmp>/gce-rel-*` with the machine root in `root/`; `config` becomes instance_configs.cfg. */
export function createMachine(options: SandboxRootOptions & { config?: string; parent?: string } = {}): Machine {
  const dir = mkdtempSync(join(options.parent ?? tmpdir(), 'gce-rel-'));
  const root = join(dir, 'root');
  mkdirSync(root);
  createSandboxRoot(root, options);
  if (options.config !== undefined) writeFileSync(join(root, 'etc/default/instance_configs.cfg'), options.config);
  return {
    dir,
    root,
    path: (p) => join(root, p),
    read: (p) => (existsSync(join(root, p)) ? readFileSync(join(root, p), 'utf8') : undefined),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Config that keeps the campaign to the accounts daemon unless asked otherwise. */
export function daemonsConfig(extra = '', daemons: { clock?: boolean; ip?: boolean } = {}): string {
  return `[Daemons]\naccounts_daemon = true\nclock_skew_daemon = ${daemons.clock === true}\nip_forwarding_daemon = ${daemons.ip === true}\n${extra}`;
}

/** user → keys, in order. */
export type KeyMap = ReadonlyMap<string, readonly string[]>;

/** The `ssh-keys` attribute value for `users`. */
export function sshKeysValue(users: KeyMap): string {
  return [...users].flatMap(([u, keys]) => keys.map((k) => `${u}:${k}`)).join('\n');
}

/** A path-form emulator document with these instance attributes. */
export function documentWith(attributes: Record<string, string>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    instance: { id: '4520031799277581759', hostname: 'rel.example.internal', attributes, 'virtual-clock': { 'drift-token': '0' }, ...extra },
    project: { 'project-id': 'rel', 'numeric-project-id': '1', attributes: {} },
  };
}

/** The Google block of an authorized_keys file holding `keys`. */
export function googleBlock(keys: readonly string[]): string {
  return keys.map((k) => `# Added by Google\n${k}\n`).join('');
}

/** Polls `check` every 25 ms; resolves with the ms it took, or -1 after `timeoutMs`. */
export async function waitUntil(check: () => boolean, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (check()) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) return -1;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** True when `<root>/home/<user>/.ssh/authorized_keys` ends with exactly the Google block of `keys`. */
export function hasKeys(m: Machine, user: string, keys: readonly string[]): boolean {
  const text = m.read(`home/${user}/.ssh/authorized_keys`);
  return text !== undefined && text.endsWith(googleBlock(keys)) && text.split('# Added by Google').length - 1 === keys.length;
}
