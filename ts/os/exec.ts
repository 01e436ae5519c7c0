/**
 * The single exec funnel: every command the project runs goes through `createRunner`, as an argv
 * array handed to execa (never a shell), with a timeout and the loop's abort signal. It owns
 * spawning and the RunResult/CommandError mapping; it must not decide what to run or interpret
 * a command's output.
 */
import { execa } from 'execa';
import { CommandError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { RunOptions, RunResult, Runner } from './types.js';

/** Options of `createRunner`. */
export interface RunnerOptions {
  /** Receives one DEBUG line per command (argv only; stdin is never logged). */
  readonly log?: Logger;
  /** Timeout for calls that give none (default 60 000 ms). */
  readonly defaultTimeoutMs?: number;
  /** Aborts every command of this runner (the daemon loop's shutdown signal). */
  readonly signal?: AbortSignal;
}

/** Default per-command timeout: long enough for useradd on a slow disk, short of a hang. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Builds a Runner over execa with `reject: false`. A command that cannot start (ENOENT, EACCES)
 * yields `failed` with `exitCode` undefined rather than a rejection; stdout and stderr are kept
 * byte-exact (no final newline stripped).
 */
export function createRunner(options: RunnerOptions = {}): Runner {
  const defaultTimeout = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  let spawned = 0;

  const execute = async (argv: readonly string[], opts: RunOptions): Promise<Outcome> => {
    const [file, ...args] = argv;
    if (file === undefined || file === '') {
      const result = { exitCode: undefined, signal: undefined, stdout: '', stderr: 'empty argv', timedOut: false, failed: true };
      return { result, cause: undefined };
    }
    if (!opts.quiet) options.log?.debug(`run ${argv.join(' ')}`);
    const cancel = combineSignals(options.signal, opts.signal);
    spawned += 1;
    try {
      const r = await execa(file, args, {
        reject: false,
        timeout: opts.timeoutMs ?? defaultTimeout,
        cancelSignal: cancel.signal,
        // Without input the child gets no stdin at all, so nothing can block reading it.
        ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' as const }),
        env: opts.env ? { ...opts.env } : undefined,
        extendEnv: true,
        cwd: opts.cwd,
        stripFinalNewline: false,
        encoding: 'utf8',
      });
      const stderr = typeof r.stderr === 'string' ? r.stderr : '';
      const notStarted = r.failed && r.exitCode === undefined && !r.signal && !r.timedOut && !r.isCanceled;
      const result: RunResult = {
        exitCode: r.exitCode,
        signal: r.signal,
        stdout: typeof r.stdout === 'string' ? r.stdout : '',
        // A command that never started has empty streams; keep the reason for CommandError.
        stderr: stderr === '' && notStarted ? startFailure(r) : stderr,
        timedOut: r.timedOut,
        failed: r.failed,
      };
      return { result, cause: r.failed ? r : undefined };
    } catch (e: unknown) {
      // execa validates its arguments synchronously (a NUL byte in argv, a bad option); the
      // contract is "never rejects", so that becomes a command that could not start.
      const message = e instanceof Error ? e.message : String(e);
      const result = { exitCode: undefined, signal: undefined, stdout: '', stderr: message, timedOut: false, failed: true };
      return { result, cause: e };
    } finally {
      cancel.dispose();
    }
  };

  return {
    run: async (argv, opts = {}) => (await execute(argv, opts)).result,
    async check(argv, opts = {}) {
      const { result, cause } = await execute(argv, opts);
      if (result.failed) {
        throw new CommandError(
          argv,
          { exitCode: result.exitCode, signal: result.signal, stderr: result.stderr, timedOut: result.timedOut },
          { cause },
        );
      }
      return result;
    },
    spawned: () => spawned,
  };
}

/** A result plus execa's own error object (the `cause` of a CommandError). */
interface Outcome {
  readonly result: RunResult;
  readonly cause: unknown;
}

/** The reason a command did not start (`spawn foo ENOENT`), from execa's error result. */
function startFailure(r: { originalMessage?: string; shortMessage?: string }): string {
  return r.originalMessage || r.shortMessage || 'could not start';
}

/** One signal that aborts when either input does (AbortSignal.any needs Node 20.3). */
function combineSignals(
  a: AbortSignal | undefined,
  b: AbortSignal | undefined,
): { signal: AbortSignal | undefined; dispose: () => void } {
  if (!a || !b) return { signal: a ?? b, dispose: () => undefined };
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  if (a.aborted || b.aborted) controller.abort();
  a.addEventListener('abort', onAbort, { once: true });
  b.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      a.removeEventListener('abort', onAbort);
      b.removeEventListener('abort', onAbort);
    },
  };
}
