/**
 * The boto step of instance setup (behaviour spec §8.6): under `/var/lock/google_boto.lock`, read
 * the template and the current `/etc/boto.cfg`, let boto.ts decide, and write atomically (0644)
 * only when the content changes; a user-managed file is left alone with one INFO line. In a dry
 * run nothing is locked or written and the decision is printed. A failure is one `failed` line
 * and never changes the exit status.
 */
import { errorMessage } from '../../core/errors.js';
import type { MetadataSnapshot } from '../../metadata/snapshot.js';
import type { Os } from '../../os/types.js';
import { BOTO_LOCK_PATH, BOTO_PATH, BOTO_TEMPLATE_PATH, buildBotoConfig, decideBoto, type BotoDecision } from './boto.js';
import type { PlanPrinter } from './plan-output.js';

/** Options of `runBotoStep`. */
export interface BotoStepOptions {
  readonly dryRun: boolean;
  readonly print: PlanPrinter;
}

/** How the step ended (tests and the run summary). */
export type BotoOutcome = 'written' | 'unchanged' | 'user-managed' | 'no-project-id' | 'failed' | 'planned';

async function decide(os: Os, numericProjectId: string): Promise<BotoDecision> {
  const built = buildBotoConfig(await os.fs.readText(BOTO_TEMPLATE_PATH), numericProjectId);
  for (const w of built.warnings) os.log.warn(w);
  return decideBoto(await os.fs.readText(BOTO_PATH), built.text);
}

function report(os: Os, decision: BotoDecision): void {
  if (decision.kind === 'user-managed') {
    os.log.info(`${BOTO_PATH} does not start with the generated header: it is managed by the administrator and left alone`);
  } else if (decision.kind === 'unchanged') os.log.debug(`${BOTO_PATH} is up to date`);
}

/** Builds and writes /etc/boto.cfg from the snapshot's numeric project id. Never throws. */
export async function runBotoStep(os: Os, snapshot: MetadataSnapshot, opts: BotoStepOptions): Promise<BotoOutcome> {
  const id = snapshot.project.numericProjectId?.trim();
  if (id === undefined || !/^[0-9]+$/.test(id)) {
    os.log.warn(`metadata has no usable numeric project id (${JSON.stringify(id ?? null)}); ${BOTO_PATH} not written`);
    return 'no-project-id';
  }
  try {
    if (opts.dryRun) {
      const decision = await decide(os, id);
      report(os, decision);
      if (decision.kind !== 'write') return decision.kind;
      opts.print('write-file', { path: BOTO_PATH });
      return 'planned';
    }
    return await os.locks.withFileLock(BOTO_LOCK_PATH, async () => {
      const decision = await decide(os, id);
      report(os, decision);
      if (decision.kind !== 'write') return decision.kind;
      const wrote = await os.fs.writeAtomic(BOTO_PATH, decision.text, { mode: 0o644 });
      if (!wrote) return 'unchanged';
      os.log.audit('applied', 'write-file', { path: BOTO_PATH });
      return 'written';
    });
  } catch (e: unknown) {
    os.log.audit('failed', 'write-file', { path: BOTO_PATH }, errorMessage(e));
    return 'failed';
  }
}
