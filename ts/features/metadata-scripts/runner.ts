/**
 * The whole of `google_metadata_script_runner --script-type T` after argument parsing: the
 * `[MetadataScripts]` switch, the shutdown deadline (counted from the start, so the metadata
 * wait spends from the same budget), one bounded metadata read, then the run. Returns the exit
 * status; the only timer it creates is the deadline, cleared before returning.
 */
import { errorMessage } from '../../core/errors.js';
import { getSnapshot } from '../../metadata/one-shot.js';
import { runMetadataScripts, scriptsEnabled, type RunScriptsOptions } from './metadata-scripts.js';
import type { ScriptType } from './types.js';

/** Default bounded metadata wait per type (behaviour spec §9). */
export const DEFAULT_METADATA_WAIT_S: Readonly<Record<ScriptType, number>> = { startup: 120, shutdown: 20 };
/** Default time a shutdown run may take before its scripts are killed (GCE allows about 90 s). */
export const DEFAULT_SHUTDOWN_TIMEOUT_S = 85;

/** The options of one script run, without the snapshot (fetched here) and the test-only sleep. */
export interface ScriptRunnerOptions extends Omit<RunScriptsOptions, 'snapshot' | 'sleep'> {
  readonly metadataWaitMs: number;
  /** Stop everything this long after the start; 0 = no limit. */
  readonly timeoutMs: number;
}

/** Runs the scripts of one type end to end; resolves to the process exit status. */
export async function runScriptRunner(o: ScriptRunnerOptions): Promise<number> {
  const { log, type } = o;
  if (!scriptsEnabled(o.cfg, type)) {
    log.info(`${type} scripts are disabled by [MetadataScripts] ${type} = false`);
    return 0;
  }
  const stop = new AbortController();
  const onExternal = (): void => stop.abort(new Error(`the runner received a stop signal`));
  if (o.signal?.aborted) onExternal();
  else o.signal?.addEventListener('abort', onExternal, { once: true });
  const seconds = Math.round(o.timeoutMs / 1000);
  const timer =
    o.timeoutMs > 0 && !o.dryRun
      ? setTimeout(() => stop.abort(new Error(`${type} scripts did not finish within ${seconds} s`)), o.timeoutMs)
      : undefined;
  try {
    const snapshot = await getSnapshot({ client: o.client, log, waitMs: o.metadataWaitMs, signal: stop.signal });
    if (!snapshot) {
      const why = stop.signal.aborted ? errorMessage(stop.signal.reason) : `no metadata within ${Math.round(o.metadataWaitMs / 1000)} s`;
      log.error(`cannot run ${type} scripts: ${why}`);
      return 1;
    }
    return await runMetadataScripts({
      type,
      snapshot,
      cfg: o.cfg,
      root: o.root,
      host: o.host,
      client: o.client,
      log,
      dryRun: o.dryRun,
      print: o.print,
      signal: stop.signal,
      storageBase: o.storageBase,
      retry: o.retry,
      killGraceMs: o.killGraceMs,
      drainMs: o.drainMs,
    });
  } finally {
    if (timer) clearTimeout(timer);
    o.signal?.removeEventListener('abort', onExternal);
  }
}
