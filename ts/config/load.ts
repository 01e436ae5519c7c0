/**
 * Reads the configuration layers through the injected `RootedFs` and hands them to the pure
 * modules: `loadConfig` for every component, `writeGeneratedConfig` for instance setup (the only
 * writer of the cfg and its record). Owns the I/O order and the lock; must not decide values.
 */
import { ConfigError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Locks, RootedFs } from '../os/types.js';
import { generateConfig, type GenerationInput, type GenerationResult } from './generate.js';
import { resolveConfig, type ConfigLayer, type LayerRole } from './instance-config.js';
import { parseIni } from './parse.js';
import { CONFIG_LOCK_PATH, CONFIG_PATH, DISTRO_PATH, GENERATED_RECORD_PATH, TEMPLATE_PATH } from './paths.js';
import type { InstanceConfig } from './types.js';

/** The effective configuration and every warning about the files it came from. */
export interface LoadedConfig {
  readonly config: InstanceConfig;
  /** Not logged by `loadConfig`: the caller logs them (once, at start-up). */
  readonly warnings: string[];
}

/** What `writeGeneratedConfig` needs from the `Os` bundle. */
export type ConfigWriteDeps = Pick<RootedFs, 'readText' | 'writeAtomic' | 'mkdir'> & Pick<Locks, 'withFileLock'>;

/** Options of `writeGeneratedConfig`. */
export interface WriteGeneratedOptions {
  /** The metadata instance id to record; omitted keeps the recorded one. */
  readonly instanceId?: string | undefined;
  /** Receives the audit line of each file written and the merge's own warnings. */
  readonly log?: Logger | undefined;
}

const LAYERS: readonly { role: LayerRole; path: string }[] = [
  { role: 'distro', path: DISTRO_PATH },
  { role: 'cfg', path: CONFIG_PATH },
  { role: 'template', path: TEMPLATE_PATH },
];

/**
 * Reads `.distro`, the cfg and `.template` and types them with precedence
 * `defaults < .distro < cfg < .template`. A file that is missing, empty or unreadable only
 * removes its layer (an unreadable one with a warning), so this never fails.
 */
export async function loadConfig(fs: Pick<RootedFs, 'readText'>, log?: Logger): Promise<LoadedConfig> {
  const warnings: string[] = [];
  const layers: ConfigLayer[] = [];
  for (const { role, path } of LAYERS) {
    let text: string | undefined;
    try {
      text = await fs.readText(path);
    } catch (e: unknown) {
      warnings.push(`${path}: could not be read (${errorMessage(e)}); ignored`);
      continue;
    }
    log?.debug(text === undefined ? `config layer ${path} absent` : `config layer ${path} read`);
    if (text === undefined) continue;
    const parsed = parseIni(text, path);
    warnings.push(...parsed.warnings);
    layers.push({ role, source: path, doc: parsed.doc });
  }
  const resolved = resolveConfig(layers);
  return { config: resolved.config, warnings: [...warnings, ...resolved.warnings] };
}

/** `ConfigWriteDeps` from an `Os`-shaped bundle, with methods bound to their objects. */
export function configWriteDeps(os: {
  readonly fs: Pick<RootedFs, 'readText' | 'writeAtomic' | 'mkdir'>;
  readonly locks: Pick<Locks, 'withFileLock'>;
}): ConfigWriteDeps {
  return {
    readText: (path) => os.fs.readText(path),
    writeAtomic: (path, data, options) => os.fs.writeAtomic(path, data, options),
    mkdir: (path, options) => os.fs.mkdir(path, options),
    withFileLock: (path, fn) => os.locks.withFileLock(path, fn),
  };
}

/**
 * Reads the four inputs of the generation merge. Any read failure rejects with a `ConfigError`:
 * regenerating from partial knowledge could drop an administrator's values.
 */
export async function readGenerationInput(
  fs: Pick<RootedFs, 'readText'>,
  instanceId?: string,
): Promise<GenerationInput> {
  const issues: string[] = [];
  const read = async (path: string): Promise<string | undefined> => {
    try {
      return await fs.readText(path);
    } catch (e: unknown) {
      issues.push(`${path}: could not be read (${errorMessage(e)})`);
      return undefined;
    }
  };
  const input: GenerationInput = {
    template: await read(TEMPLATE_PATH),
    cfg: await read(CONFIG_PATH),
    distro: await read(DISTRO_PATH),
    record: await read(GENERATED_RECORD_PATH),
    instanceId,
  };
  if (issues.length > 0) throw new ConfigError(issues);
  return input;
}

/** Creates a missing directory (0755); creating one is a change, so it gets its audit line. */
async function ensureDir(deps: ConfigWriteDeps, path: string, log?: Logger): Promise<void> {
  if (await deps.mkdir(path, { mode: 0o755 })) log?.audit('applied', 'create-dir', { path });
}

/** Writes the cfg (0644) and then its record (0600), each only when its content changed. */
async function writeResult(deps: ConfigWriteDeps, result: GenerationResult, log?: Logger): Promise<boolean> {
  // The cfg goes first: after a crash in between, the cfg holds correct values and the stale
  // record only makes some of them look administrator-set, which keeps them (never loses them).
  let wrote = false;
  if (result.cfgChanged) {
    await ensureDir(deps, '/etc/default', log);
    if (await deps.writeAtomic(CONFIG_PATH, result.cfgText, { mode: 0o644 })) {
      log?.audit('applied', 'write-config', { path: CONFIG_PATH });
      wrote = true;
    }
  }
  if (result.recordChanged) {
    await ensureDir(deps, '/var/lib/google', log);
    if (await deps.writeAtomic(GENERATED_RECORD_PATH, result.recordText, { mode: 0o600 })) {
      log?.audit('applied', 'write-config', { path: GENERATED_RECORD_PATH });
      wrote = true;
    }
  }
  return wrote;
}

/**
 * Regenerates `/etc/default/instance_configs.cfg` and its record under
 * `/var/lock/google_instance_configs.lock` (behaviour spec §2.4). Resolves true when a file was
 * written, false when everything was already up to date; rejects (writing nothing) when an input
 * cannot be read, and with the fs/lock error when a write fails.
 */
export async function writeGeneratedConfig(deps: ConfigWriteDeps, options: WriteGeneratedOptions = {}): Promise<boolean> {
  return deps.withFileLock(CONFIG_LOCK_PATH, async () => {
    const result = generateConfig(await readGenerationInput(deps, options.instanceId));
    for (const w of result.warnings) options.log?.warn(w);
    return writeResult(deps, result, options.log);
  });
}
