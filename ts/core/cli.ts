/**
 * Shared command-line plumbing for the guest executables: the common options (`--debug`,
 * `--dry-run`, `--once`, `--json`, `--root`, `--log-target`), the start-up sequence
 * (logging → Os → configuration → metadata client) and the mapping of errors to exit codes
 * (0 ok, 1 failure, 2 usage, 75 lock held). Only `ts/bin` calls process.exit, via `exitWith`.
 */
import { Command, CommanderError, Option } from 'commander';
import { loadConfig } from '../config/load.js';
import type { InstanceConfig } from '../config/types.js';
import { createMetadataClient, type MetadataClient } from '../metadata/client.js';
import { createLogging, type LogTarget } from '../os/log.js';
import { createRunner } from '../os/exec.js';
import { createOs } from '../os/os.js';
import type { Os } from '../os/types.js';
import { LockHeldError, UsageError, errorMessage } from './errors.js';
import { deferredLogger, type Logger } from './logger.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_LOCK_HELD = 75;

/** The Node.js floor (design.md §1(b)). */
export const NODE_FLOOR = [18, 19] as const;

export interface CommonOptions {
  readonly debug: boolean;
  readonly dryRun: boolean;
  readonly once: boolean;
  readonly json: boolean;
  readonly root: string;
  readonly logTarget?: LogTarget;
}

/** Adds the options every guest executable accepts. */
export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('-d, --debug', 'echo every log line, DEBUG included, to stderr', false)
    .option('--dry-run', 'print what would change (plan lines), change nothing', false)
    .option('--once', 'run one real pass, then exit', false)
    .option('--json', 'with --dry-run: print the plan as a JSON array', false)
    .option('--root <dir>', 'machine root: every file effect happens under DIR (tests, images)', '/')
    .addOption(new Option('--log-target <target>', 'where log lines go').choices(['journal', 'syslog', 'console']))
    .showHelpAfterError();
}

/** Reads the common options off a parsed commander command. */
export function commonOptions(cmd: Command): CommonOptions {
  const o = cmd.opts<{ debug: boolean; dryRun: boolean; once: boolean; json: boolean; root: string; logTarget?: LogTarget }>();
  return { debug: o.debug, dryRun: o.dryRun, once: o.once, json: o.json, root: o.root, logTarget: o.logTarget };
}

export interface Runtime {
  readonly os: Os;
  readonly cfg: InstanceConfig;
  readonly log: Logger;
  readonly client: MetadataClient;
}

/** Logging, the Os bundle, the configuration layers and a metadata client for `tag`. */
export async function bootstrap(tag: string, opts: CommonOptions, signal?: AbortSignal): Promise<Runtime> {
  // One runner for everything, so `logger` spawns are counted with the rest.
  let log: Logger | undefined;
  const runner = createRunner({ signal, log: deferredLogger(tag, () => log) });
  log = createLogging({ tag, target: opts.logTarget, debug: opts.debug, runner });
  const first = log;
  const probeOs = createOs({ root: opts.root, log: first, runner });
  const loaded = await loadConfig(probeOs.fs, first);
  for (const w of loaded.warnings) first.warn(w);
  const cfg = loaded.config;
  if (cfg.logging.syslogTarget) {
    log = createLogging({ tag, target: opts.logTarget, debug: opts.debug, syslogTarget: cfg.logging.syslogTarget, runner });
  }
  const final: Logger = log;
  const os = createOs({ root: opts.root, log: final, runner });
  return { os, cfg, log: final, client: createMetadataClient() };
}

/** Fails fast on a Node.js older than the floor, with a message naming it. */
export function checkNodeVersion(entry: string): void {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const [fm, fn] = NODE_FLOOR;
  if (major < fm || (major === fm && minor < fn)) {
    process.stderr.write(`${entry}: Node.js ${fm}.${fn} or newer is required (this is ${process.versions.node})\n`);
    process.exit(EXIT_FAILURE);
  }
}

/** Exit status for an error that escaped an entry point. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof LockHeldError) return EXIT_LOCK_HELD;
  if (e instanceof UsageError) return EXIT_USAGE;
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  return EXIT_FAILURE;
}

/** An AbortController wired to SIGTERM and SIGINT (the daemons stop within a second). */
export function abortOnSignals(log?: Logger | (() => Logger | undefined)): AbortController {
  const ac = new AbortController();
  const stop = (sig: string): void => {
    if (ac.signal.aborted) return;
    (typeof log === 'function' ? log() : log)?.info(`received ${sig}, stopping`);
    ac.abort();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return ac;
}

/** Runs an entry point's main, mapping thrown errors to exit codes, flushing logs first. */
export async function runMain(entry: string, main: () => Promise<number>, log?: () => Logger | undefined): Promise<never> {
  let code: number;
  try {
    code = await main();
  } catch (e: unknown) {
    code = exitCodeFor(e);
    if (!(e instanceof CommanderError)) {
      const l = log?.();
      if (l) l.error(errorMessage(e));
      else process.stderr.write(`${entry}: ${errorMessage(e)}\n`);
    }
  }
  await log?.()?.flush();
  process.exit(code);
}
