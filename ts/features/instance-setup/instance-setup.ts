/**
 * Instance setup, the once-per-boot program (behaviour spec §8.1): the bash helpers, a bounded
 * wait for metadata, host keys (regenerated on a new instance) and their publication, boto, and
 * last the merged configuration — recording the instance id only when every `host_key_types`
 * type succeeded. Orchestration only: what each step decides lives in its own module, effects go
 * through the injected Os and metadata client. Nothing here stops the boot except a
 * configuration that cannot be written (exit 1); every skipped step is logged with its reason.
 */
import type { InstanceConfig } from '../../config/types.js';
import { errorMessage } from '../../core/errors.js';
import { reconcile } from '../../core/feature.js';
import { createLogOnce } from '../../core/logger.js';
import type { MetadataClient } from '../../metadata/client.js';
import { getSnapshot } from '../../metadata/one-shot.js';
import type { MetadataSnapshot } from '../../metadata/snapshot.js';
import type { Os } from '../../os/types.js';
import { runBotoStep, type BotoOutcome } from './boto-step.js';
import { runConfigStep } from './config-step.js';
import { planPublishHostKeys, publishHostKeys, readPublicKeys } from './guest-attributes.js';
import { OPTIMIZE_LOCAL_SSD, SET_MULTIQUEUE, runHelper, type HelperOutcome } from './helpers.js';
import { createHostKeysFeature } from './host-keys-feature.js';
import { planPrinter, type PlanPrinter, type PlanSink } from './plan-output.js';
import { decideSshdRestart, observeSshdFacts, restartSshd } from './sshd.js';
import { earlySteps, metadataSteps, runs, type MetadataOutcome, type StepDecision } from './steps.js';

/** Feature id and log tag (behaviour spec §0.3). */
export const INSTANCE_SETUP_TAG = 'instance-setup';

/** Everything one run needs; `ts/bin/google_instance_setup.ts` builds it. */
export interface InstanceSetupDeps {
  readonly os: Os;
  readonly cfg: InstanceConfig;
  readonly client: MetadataClient;
  readonly dryRun: boolean;
  /** Bound of the metadata wait (`--metadata-timeout`, default 60 s). */
  readonly metadataWaitMs: number;
  /** Directories searched for the bash helpers before PATH. */
  readonly helperDirs: readonly string[];
  /** Receives `plan …` lines in a dry run. */
  readonly print: PlanSink;
  readonly signal?: AbortSignal | undefined;
  /** When the program started (ms since the epoch), for the final wall-time line. */
  readonly startedAt?: number | undefined;
  /** Clock in ms (tests); default Date.now. */
  readonly now?: (() => number) | undefined;
}

/** What a run did, for the exit status and for tests. */
export interface InstanceSetupResult {
  readonly exitCode: number;
  readonly metadata: MetadataOutcome;
  readonly helpers: Readonly<Record<string, HelperOutcome>>;
  /** Key types regenerated (planned, in a dry run). */
  readonly regenerated: readonly string[];
  readonly failedKeyTypes: readonly string[];
  /** The instance id handed to the config writer, if any. */
  readonly recordedId?: string | undefined;
  readonly published: readonly string[];
  readonly boto?: BotoOutcome | undefined;
  readonly configWritten: boolean;
}

interface HostKeysOutcome {
  readonly regenerated: string[];
  readonly failed: string[];
  readonly recordId: string | undefined;
}

/**
 * Runs one step so that an unexpected error (an unsafe path, an unreadable directory) costs only
 * that step: one ERROR line, then the boot goes on with `fallback`.
 */
async function guarded<T>(os: Os, step: string, fallback: T, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e: unknown) {
    os.log.error(`${step} failed: ${errorMessage(e)}; continuing`);
    return fallback;
  }
}

function logSkips(os: Os, decisions: readonly StepDecision[]): void {
  for (const d of decisions) if (!d.run) os.log.info(`skipped ${d.step}: ${d.reason}`);
}

async function runHelpers(deps: InstanceSetupDeps, decisions: readonly StepDecision[], print: PlanPrinter): Promise<Record<string, HelperOutcome>> {
  const out: Record<string, HelperOutcome> = {};
  const specs = [
    ['optimize-local-ssd', OPTIMIZE_LOCAL_SSD],
    ['set-multiqueue', SET_MULTIQUEUE],
  ] as const;
  for (const [step, spec] of specs) {
    if (!runs(decisions, step)) continue;
    out[spec.name] = await runHelper(deps.os, spec, { dirs: deps.helperDirs, dryRun: deps.dryRun, print, signal: deps.signal });
  }
  return out;
}

async function readMetadata(deps: InstanceSetupDeps): Promise<MetadataSnapshot | undefined> {
  const log = deps.os.log;
  log.debug(`reading metadata from ${deps.client.baseUrl} (waiting up to ${Math.round(deps.metadataWaitMs / 1000)} s)`);
  const snapshot = await getSnapshot({ client: deps.client, log, waitMs: deps.metadataWaitMs, signal: deps.signal });
  if (!snapshot) {
    log.error('metadata server unreachable: host keys, host key publishing and boto config skipped; the configuration is still written');
  }
  return snapshot;
}

/**
 * Host keys through the feature contract. The id may be recorded only when the pass itself ran
 * (a failed observe plans nothing, which must not look like "same instance") and every required
 * type succeeded.
 */
async function runHostKeys(deps: InstanceSetupDeps, snapshot: MetadataSnapshot, print: PlanPrinter): Promise<HostKeysOutcome> {
  const { os, cfg } = deps;
  const logOnce = createLogOnce(os.log);
  const feature = createHostKeysFeature();
  const result = await reconcile(feature, snapshot, os, { cfg, log: os.log, logOnce, dryRun: deps.dryRun, signal: deps.signal, print: deps.print });
  const passFailed = logOnce.active(`${feature.id}:pass`);
  const regenerated = (deps.dryRun ? result.planned : result.report.applied).map((a) => a.type);
  const failed = result.report.failed.map((f) => f.action.type);
  const requiredOk = result.planned.filter((a) => a.required).every((a) => deps.dryRun || regenerated.includes(a.type));
  const metadataId = snapshot.instance.id?.trim() || undefined;
  const recordId = !passFailed && requiredOk ? metadataId : undefined;
  if (metadataId !== undefined && !passFailed && !requiredOk) {
    os.log.warn(`instance id ${metadataId} not recorded: a host key type of [InstanceSetup] host_key_types failed; the next boot tries again`);
  }
  const facts = await observeSshdFacts(os, regenerated.length > 0);
  await restartSshd(os, decideSshdRestart(facts), deps.dryRun, print);
  return { regenerated, failed, recordId };
}

async function runPublish(deps: InstanceSetupDeps, print: PlanPrinter): Promise<string[]> {
  const { os } = deps;
  const keys = await readPublicKeys(os.fs, os.log);
  if (keys.length === 0) {
    os.log.info('no SSH host public keys in /etc/ssh to publish');
    return [];
  }
  if (deps.dryRun) {
    planPublishHostKeys(keys, print);
    return [];
  }
  return (await publishHostKeys(keys, { client: deps.client, log: os.log })).published;
}

/** Runs instance setup once; resolves with the exit status and a summary. Never throws. */
export async function runInstanceSetup(deps: InstanceSetupDeps): Promise<InstanceSetupResult> {
  const now = deps.now ?? Date.now;
  const startedAt = deps.startedAt ?? now();
  const { os, cfg } = deps;
  const print = planPrinter(INSTANCE_SETUP_TAG, deps.print);

  const early = earlySteps(cfg);
  logSkips(os, early);
  const helpers = await guarded(os, 'bash helpers', {}, () => runHelpers(deps, early, print));

  const snapshot = runs(early, 'read-metadata') ? await readMetadata(deps) : undefined;
  const metadata: MetadataOutcome = !runs(early, 'read-metadata') ? 'disabled' : snapshot ? 'read' : 'unreachable';
  const later = metadataSteps(cfg, metadata);
  // The unreachable case already has its one ERROR line naming the skipped steps.
  if (metadata !== 'unreachable') logSkips(os, later);

  let keys: HostKeysOutcome = { regenerated: [], failed: [], recordId: undefined };
  let published: string[] = [];
  let boto: BotoOutcome | undefined;
  if (snapshot) {
    if (runs(later, 'host-keys')) keys = await guarded(os, 'host-keys', keys, () => runHostKeys(deps, snapshot, print));
    if (runs(later, 'publish-host-keys')) published = await guarded(os, 'publish-host-keys', published, () => runPublish(deps, print));
    if (runs(later, 'boto')) boto = await runBotoStep(os, snapshot, { dryRun: deps.dryRun, print });
  }

  const configWritten = await runConfigStep(os, { instanceId: keys.recordId, dryRun: deps.dryRun, print });
  os.log.info(`instance setup finished in ${Math.max(0, Math.round(now() - startedAt))} ms`);
  return {
    exitCode: configWritten ? 0 : 1,
    metadata,
    helpers,
    regenerated: keys.regenerated,
    failedKeyTypes: keys.failed,
    recordedId: keys.recordId,
    published,
    boto,
    configWritten,
  };
}
