/**
 * Runs one script file that is already in the private directory: picks the argv from its first
 * bytes, logs every output line as `<key>: <line>` the moment it is produced, and reports
 * `<key> exited with status N` (128 + signal number for a signal death, with the signal named).
 * Only script output uses the `<key>: ` prefix; the runner's own lines never do.
 * Starting and killing processes happens only through the injected ScriptHost.
 */
import { constants } from 'node:os';
import path from 'node:path';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { ScriptExit, ScriptHost } from '../../os/script-host.js';
import { HEAD_BYTES, scriptCommand } from './interpreter.js';
import { createLineSplitter } from './lines.js';

export interface ExecuteOptions {
  readonly host: ScriptHost;
  readonly log: Logger;
  /** `startup-script`, `startup-script-url`, …: prefixes every line. */
  readonly key: string;
  /** Host path of the script file. Scripts keep the runner's working directory, as in 2016. */
  readonly file: string;
  /** `[MetadataScripts] default_shell`, for scripts without `#!`. */
  readonly defaultShell: string;
  /** Aborting stops the script and kills its process group. */
  readonly signal?: AbortSignal;
  readonly killGraceMs?: number;
  readonly drainMs?: number;
}

/** What a finished script amounted to. */
export interface ScriptOutcome {
  /** The status the runner reports: exit code, 128 + signal, 126/127 when it could not run. */
  readonly status: number;
  /** `exited with status 3`, `exited with status 137 (killed by SIGKILL)`. */
  readonly summary: string;
}

/** Exit status and summary of a finished process. */
export function outcomeOf(exit: ScriptExit): ScriptOutcome {
  if (exit.signal !== undefined) {
    const num = (constants.signals as Record<string, number | undefined>)[exit.signal] ?? 0;
    const status = 128 + num;
    return { status, summary: `exited with status ${status} (killed by ${exit.signal})` };
  }
  const status = exit.code ?? 1;
  return { status, summary: `exited with status ${status}` };
}

/** Runs the file and returns its outcome; never rejects. */
export async function executeScript(o: ExecuteOptions): Promise<ScriptOutcome> {
  const { host, log, key } = o;
  let head: Buffer;
  try {
    head = await host.readHead(o.file, HEAD_BYTES);
  } catch (e: unknown) {
    const summary = `could not read ${o.file}: ${errorMessage(e)}`;
    log.error(`cannot run ${key}: ${summary}`);
    return { status: 1, summary };
  }
  const cmd = scriptCommand(head, o.file, o.defaultShell);
  if (cmd.kind === 'elf' && !(await host.canExecute(o.file))) {
    const dir = path.dirname(o.file);
    const summary = `cannot execute this ELF binary: ${dir} is on a noexec mount; set [MetadataScripts] run_dir to a directory on an exec-able mount`;
    log.error(`cannot run ${key}: ${summary}`);
    return { status: 126, summary };
  }
  log.debug(`running ${key}: ${cmd.argv.join(' ')}`);

  const splitter = createLineSplitter((line) => {
    if (line !== '') log.info(`${key}: ${line}`);
  });
  const onAbort = (): void => {
    log.warn(`stopping ${key} and its process group: ${errorMessage(o.signal?.reason ?? 'stopped')}`);
  };
  if (o.signal?.aborted) onAbort();
  else o.signal?.addEventListener('abort', onAbort, { once: true });
  let exit: ScriptExit;
  try {
    exit = await host.spawnScript({
      argv: cmd.argv,
      onData: (chunk) => splitter.push(chunk),
      signal: o.signal,
      killGraceMs: o.killGraceMs,
      drainMs: o.drainMs,
    });
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
  splitter.end();
  if (exit.startError !== undefined) {
    const summary = `could not start ${cmd.argv[0] ?? ''}: ${exit.startError}`;
    log.error(`cannot run ${key}: ${summary}`);
    return { status: 127, summary };
  }
  if (exit.outputLeftOpen) log.info(`${key} finished, but background processes still hold its output; no longer logging it`);
  const outcome = outcomeOf(exit);
  log.info(`${key} ${outcome.summary}`);
  return outcome;
}
