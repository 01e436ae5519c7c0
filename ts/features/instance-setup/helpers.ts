/**
 * Running the bash helpers of instance setup (behaviour spec §8.1, §8.3, §8.4; design.md §7):
 * `google_optimize_local_ssd` and `google_set_multiqueue`, found next to the running executable
 * first (build/bin in the built tree, /usr/bin when installed), else on PATH; called with argv
 * only, with `<HELPER>_FAKEROOT=<root>` when the root is not `/`; their output logged line by
 * line at INFO; a non-zero exit is one WARNING and never stops the boot. The helpers decide
 * which devices to touch — this module must not look at /sys itself.
 */
import path from 'node:path';
import { formatFields, type Logger } from '../../core/logger.js';
import type { Os } from '../../os/types.js';
import type { PlanPrinter } from './plan-output.js';

/** A helper executable and the environment variable that re-roots it. */
export interface HelperSpec {
  readonly name: string;
  readonly fakerootVar: string;
}

/** The local-SSD helper; it does nothing (exit 0) on a machine without local SSDs. */
export const OPTIMIZE_LOCAL_SSD: HelperSpec = {
  name: 'google_optimize_local_ssd',
  fakerootVar: 'GOOGLE_OPTIMIZE_LOCAL_SSD_FAKEROOT',
};

/** The virtio-net multiqueue and IRQ affinity helper. */
export const SET_MULTIQUEUE: HelperSpec = {
  name: 'google_set_multiqueue',
  fakerootVar: 'GOOGLE_SET_MULTIQUEUE_FAKEROOT',
};

/** Helpers touch only sysfs and procfs; minutes would mean a hang, not work. */
const HELPER_TIMEOUT_MS = 120_000;

/** How a helper run ended. */
export type HelperOutcome = 'ok' | 'failed' | 'missing' | 'planned';

/** The helper's extra environment: the fake root when the machine root is not `/`. */
export function helperEnv(spec: HelperSpec, root: string, sandboxed: boolean): Record<string, string> {
  return sandboxed ? { [spec.fakerootVar]: root } : {};
}

/** The non-empty lines of a helper's output, stdout first, trailing whitespace removed. */
export function outputLines(stdout: string, stderr: string): string[] {
  return `${stdout}\n${stderr}`
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
}

/**
 * Directories to search for the helpers, from the path of the running bundle: its own directory,
 * the sibling `bin/` (the built tree: build/lib/x.mjs → build/bin) and, for the installed layout
 * `<prefix>/lib/google-compute-engine/x.mjs`, `<prefix>/bin` (/usr/bin).
 */
export function helperDirsFor(executable: string | undefined): string[] {
  if (executable === undefined || executable === '') return [];
  const dir = path.dirname(path.resolve(executable));
  const dirs = [dir, path.resolve(dir, '../bin')];
  if (path.basename(dir) === 'google-compute-engine') dirs.push(path.resolve(dir, '../../bin'));
  return dirs.filter((d, i) => dirs.indexOf(d) === i);
}

/** Absolute path of the helper: the executable's own directories first, then PATH. */
export async function locateHelper(sys: Os['sys'], name: string, dirs: readonly string[]): Promise<string | undefined> {
  return (dirs.length > 0 ? await sys.which(name, dirs) : undefined) ?? (await sys.which(name));
}

function logFailure(log: Logger, name: string, why: string): void {
  // A helper failure is a WARNING by spec (§8.1), still written as the one `failed …` line.
  log.warn(`failed run-helper ${formatFields({ helper: name })}: ${why}; boot continues`);
}

/** Options of `runHelper`. */
export interface RunHelperOptions {
  /** Directories searched before PATH (next to the running executable). */
  readonly dirs: readonly string[];
  readonly dryRun: boolean;
  readonly print: PlanPrinter;
  readonly signal?: AbortSignal | undefined;
}

/** Runs one helper (or prints its plan line); never throws. */
export async function runHelper(os: Os, spec: HelperSpec, opts: RunHelperOptions): Promise<HelperOutcome> {
  const log = os.log;
  const path = await locateHelper(os.sys, spec.name, opts.dirs);
  if (path === undefined) {
    log.warn(`${spec.name} not found next to this program (${opts.dirs.join(', ') || 'no directory'}) or on PATH; step skipped`);
    return 'missing';
  }
  const env = helperEnv(spec, os.root, os.sandboxed);
  if (opts.dryRun) {
    opts.print('run-helper', { helper: spec.name, path, ...env });
    return 'planned';
  }
  const r = await os.exec.run([path], { env, timeoutMs: HELPER_TIMEOUT_MS, signal: opts.signal });
  for (const line of outputLines(r.stdout, r.stderr)) log.info(`${spec.name}: ${line}`);
  if (!r.failed) {
    log.audit('applied', 'run-helper', { helper: spec.name });
    return 'ok';
  }
  const why = r.timedOut
    ? 'timed out'
    : r.signal
      ? `killed by ${r.signal}`
      : r.exitCode === undefined
        ? `could not start: ${r.stderr.trim()}`
        : `exit status ${r.exitCode}`;
  logFailure(log, spec.name, why);
  return 'failed';
}
