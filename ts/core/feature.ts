/**
 * The feature contract (design.md §3) and `reconcile`, which runs one pass of one feature:
 * desired → observe → plan → print or apply, with one audit line per applied or failed action.
 * `desired` and `plan` are pure; `observe` only reads; `apply` only writes what it is told.
 */
import type { InstanceConfig } from '../config/types.js';
import type { MetadataSnapshot } from '../metadata/snapshot.js';
import type { Os } from '../os/types.js';
import { errorMessage } from './errors.js';
import { formatFields, joinMessage, type LogFields, type LogLevel, type LogOnce, type Logger } from './logger.js';

/** A planned change: a small discriminated union per feature (`{kind: 'add-route', …}`). */
export interface Action {
  readonly kind: string;
}

export interface ActionFailure<A extends Action> {
  readonly action: A;
  readonly error: unknown;
}

/** What `apply` did: every action ends up in exactly one list. */
export interface ApplyReport<A extends Action> {
  readonly applied: A[];
  readonly failed: ActionFailure<A>[];
  /** Actions deliberately not performed (sandbox root, host-global effects), with the reason. */
  readonly skipped: { readonly action: A; readonly reason: string }[];
}

/** A problem found while planning, reported through "log once" under `key`. */
export interface Diagnostic {
  readonly key: string;
  readonly level: LogLevel;
  readonly message: string;
}

/** Everything a pass may consult besides metadata and the machine. */
export interface PassContext {
  readonly cfg: InstanceConfig;
  readonly log: Logger;
  readonly signal?: AbortSignal;
}

export interface Feature<D = unknown, O = unknown, A extends Action = Action> {
  /** Feature id (`accounts`, `clock-skew`, `ip-forwarding`). */
  readonly id: string;
  /** 2016 log tag (`google-accounts`, …). */
  readonly tag: string;
  /** Single-instance lock name under /var/lock, for daemon features. */
  readonly lockName?: string;
  /** Pure: is this feature on for this configuration? */
  enabled(cfg: InstanceConfig): boolean;
  /** Pure: what the machine should look like. */
  desired(snapshot: MetadataSnapshot, cfg: InstanceConfig, now: Date): D;
  /** Reads only: what the machine looks like now (`desired` says where to look). */
  observe(os: Os, desired: D, ctx: PassContext): Promise<O>;
  /** Pure: the actions that take observed to desired; [] when nothing changed. */
  plan(desired: D, observed: O, cfg: InstanceConfig): A[];
  /** Writes only: performs the actions in order; never re-decides. Per-item failures are reported. */
  apply(actions: readonly A[], os: Os, ctx: PassContext): Promise<ApplyReport<A>>;
  /** Problems to log once (rejected metadata lines, unknown MACs…). */
  diagnostics?(desired: D, observed: O): readonly Diagnostic[];
  /** Audit fields of an action (default: its primitive fields). Key material must not appear. */
  describe?(action: A): LogFields;
  /** Pure: when the machine should next be re-checked even without a metadata change (a key expiry). */
  nextWake?(desired: D, now: Date): Date | undefined;
  /** Long-lived resources (a route monitor child); called once before the first pass. */
  start?(os: Os, ctx: PassContext): Promise<void>;
  stop?(): Promise<void>;
}

/** Any feature, for registries and the daemon loop. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFeature = Feature<any, any, any>;

/** An empty report to build on. */
export function emptyReport<A extends Action>(): ApplyReport<A> {
  return { applied: [], failed: [], skipped: [] };
}

/** Default audit fields: every primitive field except `kind`. */
export function defaultDescribe(action: Action): LogFields {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(action)) {
    if (k === 'kind') continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

/** `plan <kind> k=v…`, the dry-run line for one action. */
export function planLine(feature: AnyFeature, action: Action): string {
  const fields = formatFields(feature.describe ? feature.describe(action) : defaultDescribe(action));
  return fields ? `plan ${action.kind} ${fields}` : `plan ${action.kind}`;
}

export interface ReconcileOptions {
  readonly cfg: InstanceConfig;
  /** The feature's own logger (its tag). */
  readonly log: Logger;
  readonly logOnce: LogOnce;
  readonly dryRun: boolean;
  readonly signal?: AbortSignal;
  /** Receives plan output in dry-run mode: the `plan …` line and its audit fields. */
  readonly print?: (line: string, entry: PlanEntry) => void;
}

/** One planned action as `--dry-run --json` prints it. */
export interface PlanEntry {
  readonly feature: string;
  readonly action: string;
  readonly fields: LogFields;
}

export interface ReconcileResult<A extends Action> {
  readonly planned: A[];
  readonly report: ApplyReport<A>;
  /** The feature's requested next wake, if any. */
  readonly nextWake?: Date;
}

/**
 * One pass of one feature. Never throws: an exception in any step is logged once (keyed by
 * feature and step) and yields an empty result, so one feature can never stop the loop.
 */
export async function reconcile<D, O, A extends Action>(
  feature: Feature<D, O, A>,
  snapshot: MetadataSnapshot,
  os: Os,
  opts: ReconcileOptions,
): Promise<ReconcileResult<A>> {
  const ctx: PassContext = { cfg: opts.cfg, log: opts.log, signal: opts.signal };
  let planned: A[] = [];
  let nextWake: Date | undefined;
  let step = 'desired';
  try {
    const now = os.now();
    const desired = feature.desired(snapshot, opts.cfg, now);
    nextWake = feature.nextWake?.(desired, now);
    step = 'observe';
    const observed = await feature.observe(os, desired, ctx);
    step = 'plan';
    for (const d of feature.diagnostics?.(desired, observed) ?? []) {
      opts.logOnce.report(`${feature.id}:${d.key}`, d.level, d.message);
    }
    planned = feature.plan(desired, observed, opts.cfg);
    opts.logOnce.clear(`${feature.id}:pass`, `${feature.id} pass succeeded again`);
  } catch (e: unknown) {
    opts.logOnce.report(`${feature.id}:pass`, 'error', `${feature.id} ${step} failed: ${errorMessage(e)}`);
    return { planned: [], report: emptyReport() };
  }
  if (opts.dryRun) {
    for (const a of planned) {
      const fields = feature.describe ? feature.describe(a) : defaultDescribe(a);
      opts.print?.(planLine(feature, a), { feature: feature.id, action: a.kind, fields });
    }
    return { planned, report: emptyReport(), nextWake };
  }
  if (planned.length === 0) return { planned, report: emptyReport(), nextWake };
  let report: ApplyReport<A>;
  try {
    report = await feature.apply(planned, os, ctx);
  } catch (e: unknown) {
    // apply should report per item; an escape still must not stop the loop.
    report = { applied: [], failed: planned.map((action) => ({ action, error: e })), skipped: [] };
  }
  const fields = (a: A): LogFields => (feature.describe ? feature.describe(a) : defaultDescribe(a));
  // A failure that repeats on every pass is logged once (spec §3.4); success clears it.
  const key = (a: A): string => `${feature.id}:action:${a.kind} ${formatFields(fields(a))}`;
  for (const a of report.applied) {
    opts.logOnce.clear(key(a));
    opts.log.audit('applied', a.kind, fields(a));
  }
  for (const f of report.failed) {
    opts.logOnce.report(key(f.action), 'error', `${joinMessage(`failed ${f.action.kind}`, fields(f.action))}: ${errorMessage(f.error)}`);
  }
  for (const s of report.skipped) {
    opts.logOnce.report(key(s.action), 'info', `${joinMessage(`skipped ${s.action.kind}`, fields(s.action))}: ${s.reason}`);
  }
  return { planned, report, nextWake };
}
