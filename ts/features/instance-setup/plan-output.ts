/**
 * Plan output of instance setup's own steps (helpers, publishing, boto, config, sshd): the same
 * `plan <action> k=v…` line and `--json` entry that `reconcile` prints for features, so a dry run
 * reads the same whichever step planned the change. Pure formatting; printing is the caller's.
 */
import type { PlanEntry } from '../../core/feature.js';
import { formatFields, type LogFields } from '../../core/logger.js';

/** Where plan lines go: the formatted line and its structured entry (for `--json`). */
export type PlanSink = (line: string, entry: PlanEntry) => void;

/** Prints one planned action of `feature`. */
export type PlanPrinter = (action: string, fields: LogFields) => void;

/** The `plan …` line of an action, as `planLine` in core/feature.ts formats it. */
export function formatPlanLine(action: string, fields: LogFields): string {
  const f = formatFields(fields);
  return f ? `plan ${action} ${f}` : `plan ${action}`;
}

/** A printer that tags entries with `feature`. */
export function planPrinter(feature: string, sink: PlanSink): PlanPrinter {
  return (action, fields) => sink(formatPlanLine(action, fields), { feature, action, fields });
}
