/**
 * Shared harness of the instance-setup integration tests: a sandbox machine root in a temp
 * directory (createSandboxRoot plus /etc/ssh with existing host keys), fake helper scripts that
 * record their argv and environment inside that directory, and one boot of `runInstanceSetup`
 * against an emulator with the real Os bundle (real ssh-keygen, real files, real locks). It
 * touches nothing outside the temp directory it creates.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../ts/config/load.js';
import type { PlanEntry } from '../../ts/core/feature.js';
import { createMemoryLogger, type MemorySink } from '../../ts/core/logger.js';
import type { Emulator } from '../../ts/emulator/index.js';
import { runInstanceSetup, type InstanceSetupResult } from '../../ts/features/instance-setup/instance-setup.js';
import { createMetadataClient, type MetadataClient } from '../../ts/metadata/client.js';
import { createOs } from '../../ts/os/os.js';
import { createSandboxRoot } from '../../ts/os/sandbox-root.js';
import { fixtureDocument } from '../support/emulator.js';

/** True when OpenSSH's ssh-keygen is on PATH. */
export function hasSshKeygen(): boolean {
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
    return true;
  } catch (e: unknown) {
    // ssh-keygen -? exits 1 after printing usage; only a spawn failure means it is missing.
    return (e as { code?: string }).code !== 'ENOENT';
  }
}

const HELPERS = ['google_optimize_local_ssd', 'google_set_multiqueue'] as const;

/** A fake helper: records argv and its FAKEROOT variable, prints two lines, exits $FAKE_<NAME>_EXIT. */
function fakeHelper(record: string, name: string): string {
  const upper = name.toUpperCase();
  return `#!/bin/sh
printf 'argv=%s|%s\\n' "$#" "$*" >> '${record}'
printf 'fakeroot=%s\\n' "\${${upper}_FAKEROOT-unset}" >> '${record}'
echo "${name} stdout line"
echo "${name} stderr line" >&2
exit "\${FAKE_${upper}_EXIT:-0}"
`;
}

/** One boot's outcome plus its log lines and dry-run plan. */
export interface Boot {
  readonly result: InstanceSetupResult;
  readonly lines: string[];
  readonly plan: PlanEntry[];
  readonly ms: number;
}

/** Options of one boot. */
export interface BootOptions {
  readonly dryRun?: boolean;
  readonly metadataWaitMs?: number;
  readonly client?: MetadataClient;
}

/** A machine root, its fake helpers and a way to boot it. */
export interface SetupSandbox {
  readonly dir: string;
  readonly root: string;
  readonly helperDir: string;
  /** Host path of a machine path. */
  path(machinePath: string): string;
  read(machinePath: string): string;
  write(machinePath: string, text: string, mode?: number): void;
  exists(machinePath: string): boolean;
  /** Lines recorded by the fake helper `name`. */
  helperRecord(name: string): string[];
  /** sha256 of every file under the root, keyed by relative path (dry-run byte-identity). */
  treeHash(): Record<string, string>;
  boot(emu: Emulator | undefined, options?: BootOptions): Promise<Boot>;
  cleanup(): void;
}

/** The existing host keys every sandbox starts with (real keys, made once per test file). */
export interface KeyFixture {
  readonly files: Readonly<Record<string, Buffer>>;
}

/** Generates real rsa and ed25519 host keys once, to copy into each sandbox's /etc/ssh. */
export function makeKeyFixture(): KeyFixture {
  const dir = mkdtempSync(join(tmpdir(), 'gce-keys-'));
  try {
    const files: Record<string, Buffer> = {};
    for (const type of ['rsa', 'ed25519']) {
      const f = join(dir, `ssh_host_${type}_key`);
      execFileSync('ssh-keygen', ['-t', type, '-f', f, '-N', '', '-q', ...(type === 'rsa' ? ['-b', '2048'] : [])]);
      files[`ssh_host_${type}_key`] = readFileSync(f);
      files[`ssh_host_${type}_key.pub`] = readFileSync(`${f}.pub`);
    }
    return { files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function hashTree(base: string, rel = '', out: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(join(base, rel)).sort()) {
    const r = rel === '' ? name : `${rel}/${name}`;
    const st = statSync(join(base, r));
    if (st.isDirectory()) {
      out[`${r}/`] = `dir ${(st.mode & 0o7777).toString(8)}`;
      hashTree(base, r, out);
    } else {
      const h = createHash('sha256').update(readFileSync(join(base, r))).digest('hex');
      out[r] = `${(st.mode & 0o7777).toString(8)} ${h}`;
    }
  }
  return out;
}

/** What a sandbox starts with. */
export interface SandboxOptions {
  /**
   * Full: every fixture key and the built-in host_key_types (rsa included). Light (the default):
   * only the ed25519 key and a `.distro` limiting host_key_types to ecdsa,ed25519, because RSA
   * generation costs seconds per boot on a busy machine.
   */
  readonly full?: boolean;
}

/** Key types a light sandbox regenerates on a new instance. */
export const LIGHT_TYPES: readonly string[] = ['ecdsa', 'ed25519'];

/** Builds a sandbox: machine root with existing keys, fake helpers beside it. */
export function createSetupSandbox(keys: KeyFixture, options: SandboxOptions = {}): SetupSandbox {
  const dir = mkdtempSync(join(tmpdir(), 'gce-setup-'));
  const root = join(dir, 'root');
  const helperDir = join(dir, 'bin');
  createSandboxRoot(root);
  mkdirSync(helperDir);
  for (const [name, data] of Object.entries(keys.files)) {
    if (!options.full && !name.startsWith('ssh_host_ed25519_key')) continue;
    writeFileSync(join(root, 'etc/ssh', name), data);
    chmodSync(join(root, 'etc/ssh', name), name.endsWith('.pub') ? 0o644 : 0o600);
  }
  if (!options.full) writeFileSync(join(root, 'etc/default/instance_configs.cfg.distro'), `[InstanceSetup]\nhost_key_types = ${LIGHT_TYPES.join(',')}\n`);
  for (const h of HELPERS) {
    writeFileSync(join(helperDir, h), fakeHelper(join(dir, `${h}.record`), h));
    chmodSync(join(helperDir, h), 0o755);
  }
  const p = (m: string): string => join(root, m.replace(/^\/+/, ''));
  return {
    dir,
    root,
    helperDir,
    path: p,
    read: (m) => readFileSync(p(m), 'utf8'),
    write(m, text, mode = 0o644) {
      mkdirSync(join(p(m), '..'), { recursive: true });
      writeFileSync(p(m), text);
      chmodSync(p(m), mode);
    },
    exists: (m) => existsSync(p(m)),
    helperRecord(name) {
      const f = join(dir, `${name}.record`);
      return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter((l) => l !== '') : [];
    },
    treeHash: () => hashTree(root),
    async boot(emu, options = {}) {
      const { log, sink } = createMemoryLogger('instance-setup');
      const os = createOs({ root, log });
      const loaded = await loadConfig(os.fs, log);
      const client = options.client ?? createMetadataClient({ baseUrl: `${emu?.url ?? 'http://127.0.0.1:9'}/computeMetadata/v1/` });
      const plan: PlanEntry[] = [];
      const started = Date.now();
      const result = await runInstanceSetup({
        os,
        cfg: loaded.config,
        client,
        dryRun: options.dryRun ?? false,
        metadataWaitMs: options.metadataWaitMs ?? 10_000,
        helperDirs: [helperDir],
        print: (_line, entry) => plan.push(entry),
      });
      return { result, lines: linesOf(sink), plan, ms: Date.now() - started };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function linesOf(sink: MemorySink): string[] {
  return sink.lines();
}

/** The base64 field of a public key file's text. */
export function base64Of(pubText: string): string {
  return pubText.trim().split(/\s+/)[1] ?? '';
}

/** The key type field (`ssh-ed25519`) of a public key file's text. */
export function keyTypeOf(pubText: string): string {
  return pubText.trim().split(/\s+/)[0] ?? '';
}

/** The sample metadata document with `instance/id` set (edit more with `emu.set`). */
export function documentWith(id: string): Record<string, unknown> {
  const doc = fixtureDocument('sample');
  (doc['instance'] as Record<string, unknown>)['id'] = id;
  return doc;
}

/** Private and public key texts of `types` (`<type>` and `<type>.pub`). */
export function keyFiles(box: SetupSandbox, types: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of types) {
    out[t] = box.read(`/etc/ssh/ssh_host_${t}_key`);
    out[`${t}.pub`] = box.read(`/etc/ssh/ssh_host_${t}_key.pub`);
  }
  return out;
}

/** The audit lines of applied changes. */
export function appliedLines(lines: readonly string[]): string[] {
  return lines.filter((l) => l.includes(' applied '));
}

/** Paths of the PUT requests the emulator received. */
export function putPaths(emu: Emulator): string[] {
  return emu.requests().log.filter((r) => r.method === 'PUT').map((r) => r.path);
}
