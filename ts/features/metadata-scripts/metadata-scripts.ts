/**
 * One run of the metadata script runner over one snapshot: select the scripts, print the plan
 * in --dry-run, otherwise materialise each one in a private directory (inline text written,
 * URLs downloaded), run them in order and return the exit status of behaviour spec §9 (0 when
 * every script exited 0, else the status of the last failing one; a failed download counts as
 * 1). One audit line per script. Effects only through the injected ScriptHost.
 */
import path from 'node:path';
import type { InstanceConfig } from '../../config/types.js';
import { errorMessage } from '../../core/errors.js';
import type { PlanEntry } from '../../core/feature.js';
import { formatFields, type LogFields, type Logger } from '../../core/logger.js';
import type { MetadataClient } from '../../metadata/client.js';
import type { MetadataSnapshot } from '../../metadata/snapshot.js';
import type { ScriptHost } from '../../os/script-host.js';
import { executeScript } from './executor.js';
import { DEFAULT_RETRIEVE_POLICY, retrieveScript, type RetrievePolicy } from './retriever.js';
import { redactUrl } from './script-url.js';
import { selectScripts } from './select.js';
import { createTokenSource } from './token.js';
import type { ScriptSource, ScriptType } from './types.js';

/** Feature id shared by the folder, the tests and the plan entries. */
export const FEATURE_ID = 'metadata-scripts';

export interface RunScriptsOptions {
  readonly type: ScriptType;
  readonly snapshot: MetadataSnapshot;
  readonly cfg: InstanceConfig;
  /** Machine root (`/` in production). */
  readonly root: string;
  readonly host: ScriptHost;
  /** For the service-account token. */
  readonly client: MetadataClient;
  readonly log: Logger;
  readonly dryRun: boolean;
  /** Receives each `plan …` line in --dry-run. */
  readonly print?: (line: string, entry: PlanEntry) => void;
  /** Aborting stops the running script (shutdown deadline, SIGTERM) and skips the rest. */
  readonly signal?: AbortSignal;
  readonly storageBase: string;
  readonly retry?: Partial<RetrievePolicy>;
  readonly killGraceMs?: number;
  readonly drainMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Pure: is this script type enabled by `[MetadataScripts]`? */
export function scriptsEnabled(cfg: InstanceConfig, type: ScriptType): boolean {
  return type === 'startup' ? cfg.metadataScripts.startup : cfg.metadataScripts.shutdown;
}

/** Audit and plan fields of one script: its key and, for a URL, the URL without secrets. */
export function describeScript(s: ScriptSource): LogFields {
  return s.kind === 'inline' ? { key: s.key, source: 'inline' } : { key: s.key, url: redactUrl(s.url) };
}

/** Pure: the plan entries of a run, in run order. */
export function planScripts(scripts: readonly ScriptSource[]): PlanEntry[] {
  return scripts.map((s) => ({ feature: FEATURE_ID, action: 'run-script', fields: describeScript(s) }));
}

/** The `plan run-script …` line of an entry. */
export function planEntryLine(e: PlanEntry): string {
  return `plan ${e.action} ${formatFields(e.fields)}`;
}

/** Runs (or, with dryRun, plans) the scripts of `type`; resolves to the exit status. */
export async function runMetadataScripts(o: RunScriptsOptions): Promise<number> {
  const { log, type } = o;
  const selection = selectScripts(o.snapshot, type);
  if (selection.scripts.length === 0) {
    log.info(`No ${type} scripts to run.`);
    return 0;
  }
  for (const s of selection.scripts) log.info(`Found ${s.key} in ${selection.scope} metadata.`);
  if (o.dryRun) {
    for (const e of planScripts(selection.scripts)) o.print?.(planEntryLine(e), e);
    return 0;
  }

  const runDir = await o.host.pickRunDir(o.root, o.cfg.metadataScripts.runDir);
  if (!runDir.ok) {
    log.error(`cannot run ${type} scripts: no directory for them: ${runDir.reason}`);
    return 1;
  }
  if (runDir.note) log.warn(runDir.note);
  let dir: string;
  try {
    dir = await o.host.makePrivateDir(runDir.hostPath, `google-${type}-scripts-`);
  } catch (e: unknown) {
    log.error(`cannot run ${type} scripts: creating a private directory in ${runDir.machinePath}: ${errorMessage(e)}`);
    return 1;
  }

  const token = createTokenSource(o.client, log, o.signal);
  const policy = { ...DEFAULT_RETRIEVE_POLICY, ...o.retry };
  let status = 0;
  try {
    for (const s of selection.scripts) {
      const fields = describeScript(s);
      if (o.signal?.aborted) {
        log.audit('failed', 'run-script', fields, `not started: ${errorMessage(o.signal.reason ?? 'stopped')}`);
        // The stopped script's own status (143, 137) says more than "not started" would.
        if (status === 0) status = 1;
        continue;
      }
      let file: string;
      if (s.kind === 'inline') {
        try {
          file = await o.host.writeScriptFile(dir, s.key, s.body);
        } catch (e: unknown) {
          log.audit('failed', 'run-script', fields, `writing the script: ${errorMessage(e)}`);
          status = 1;
          continue;
        }
      } else {
        file = path.join(dir, s.key);
        const got = await retrieveScript(s.url, file, {
          host: o.host,
          key: s.key,
          log,
          storageBase: o.storageBase,
          token,
          policy,
          signal: o.signal,
          sleep: o.sleep,
        });
        if (!got.ok) {
          log.audit('failed', 'run-script', fields, `download failed: ${got.reason}`);
          status = 1;
          continue;
        }
      }
      const out = await executeScript({
        host: o.host,
        log,
        key: s.key,
        file,
        defaultShell: o.cfg.metadataScripts.defaultShell,
        signal: o.signal,
        killGraceMs: o.killGraceMs,
        drainMs: o.drainMs,
      });
      const withStatus = { ...fields, status: out.status };
      if (out.status === 0) log.audit('applied', 'run-script', withStatus);
      else {
        log.audit('failed', 'run-script', withStatus, out.summary);
        status = out.status;
      }
    }
  } finally {
    await o.host.removePrivateDir(dir).catch((e: unknown) => log.warn(`could not remove ${dir}: ${errorMessage(e)}`));
  }
  return status;
}
