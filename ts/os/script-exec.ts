/**
 * Starts one metadata script in its own session and process group, hands its merged
 * stdout+stderr to the caller chunk by chunk as it is produced, and on abort signals the whole
 * group (SIGTERM, then SIGKILL after a grace period), so children a script left behind go too.
 * It owns spawning and killing only; it must not decide what to run or interpret the output.
 */
import { spawn } from 'node:child_process';

/** `sh -c` body that merges stderr into stdout in one pipe, so lines keep their order. */
const MERGE_STDERR = 'exec "$@" 2>&1';

/** Default time between SIGTERM and SIGKILL of a stopped script's group. */
export const DEFAULT_KILL_GRACE_MS = 3000;
/** Default wait for output still held open by background children after the script exits. */
export const DEFAULT_DRAIN_MS = 2000;

export interface SpawnScriptRequest {
  /** Never empty; argv[0] is the interpreter or the binary. */
  readonly argv: readonly string[];
  /** Working directory; the runner's own when absent (as in 2016: `/` under an init system). */
  readonly cwd?: string;
  /** Every output chunk, in order, as the script produces it. */
  readonly onData: (chunk: Buffer) => void;
  /** Aborting stops the script: SIGTERM to its process group, SIGKILL after `killGraceMs`. */
  readonly signal?: AbortSignal;
  readonly killGraceMs?: number;
  /** After the script exits, how long to keep reading output its background children still write. */
  readonly drainMs?: number;
}

export interface ScriptExit {
  /** The script's pid, which is also its process group id. */
  readonly pid: number | undefined;
  /** Exit status when it exited normally. */
  readonly code: number | undefined;
  /** Signal name when a signal ended it. */
  readonly signal: string | undefined;
  /** True when the abort signal made us stop it. */
  readonly stopped: boolean;
  /** True when the output was still open after `drainMs` (background children holding it). */
  readonly outputLeftOpen: boolean;
  /** Why the process could not be started at all. */
  readonly startError: string | undefined;
}

/** Sends `sig` to process group `pgid`, ignoring a group that is already gone. */
function killGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // ESRCH: every member has exited already.
  }
}

/** Runs `argv` and resolves when it has exited and its output is drained; never rejects. */
export function spawnScript(req: SpawnScriptRequest): Promise<ScriptExit> {
  const grace = req.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const drain = req.drainMs ?? DEFAULT_DRAIN_MS;
  return new Promise<ScriptExit>((resolve) => {
    // detached → setsid(): the script leads a new session and process group we can signal as one.
    const child = spawn('/bin/sh', ['-c', MERGE_STDERR, 'sh', ...req.argv], {
      cwd: req.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid;
    let code: number | undefined;
    let sig: string | undefined;
    let exited = false;
    let stopped = false;
    let outputOpen = 2;
    let outputLeftOpen = false;
    let startError: string | undefined;
    let settled = false;
    let drainTimer: NodeJS.Timeout | undefined;
    let graceTimer: NodeJS.Timeout | undefined;

    const finish = (): void => {
      if (settled) return;
      settled = true;
      if (drainTimer) clearTimeout(drainTimer);
      if (graceTimer) clearTimeout(graceTimer);
      req.signal?.removeEventListener('abort', onAbort);
      // A stopped script's group is killed outright at the end, whoever still lingers in it.
      if (stopped && pid !== undefined) killGroup(pid, 'SIGKILL');
      resolve({ pid, code, signal: sig, stopped, outputLeftOpen, startError });
    };
    const maybeFinish = (): void => {
      if (exited && outputOpen === 0) finish();
    };
    const onAbort = (): void => {
      if (stopped || exited || pid === undefined) return;
      stopped = true;
      killGroup(pid, 'SIGTERM');
      graceTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), grace);
    };

    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk: Buffer) => {
        if (!settled) req.onData(chunk);
      });
      stream.on('error', () => undefined);
      stream.on('close', () => {
        outputOpen -= 1;
        maybeFinish();
      });
    }
    child.on('error', (e: Error) => {
      startError = e.message;
      exited = true;
      outputOpen = 0;
      finish();
    });
    child.on('exit', (c, s) => {
      exited = true;
      code = c ?? undefined;
      sig = s ?? undefined;
      if (outputOpen === 0) {
        finish();
        return;
      }
      // A stopped group gets its SIGKILL within the grace period; only then is the output given up.
      drainTimer = setTimeout(() => {
        outputLeftOpen = true;
        child.stdout.destroy();
        child.stderr.destroy();
        finish();
      }, stopped ? grace + drain : drain);
    });
    if (req.signal?.aborted) onAbort();
    else req.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
