/**
 * Injected faults (metadata-server.md §11.4 `fault`): validation of a fault spec and the state of
 * the one active fault: which requests it catches (path prefix), how many (`count`) and for how
 * long (`seconds`). Owns no sockets; the server carries out refuse, hang and drop.
 */

/** A fault as given to the control API or `Emulator.fault`. */
export interface FaultSpec {
  readonly kind: 'status' | 'refuse' | 'hang' | 'drop' | 'none';
  /** HTTP status for `status` faults. */
  readonly status?: number;
  /** How many matching requests the fault catches; unlimited when absent. */
  readonly count?: number;
  /** How long the fault lasts (for `refuse`: how long the listener stays closed). */
  readonly seconds?: number;
  /** Path prefix the fault applies to; relative prefixes are under `/computeMetadata/v1/`. */
  readonly path?: string;
}

/** Either a valid spec or the reason it was refused. */
export type FaultParse = { readonly ok: true; readonly spec: FaultSpec } | { readonly ok: false; readonly error: string };

const KINDS: readonly string[] = ['status', 'refuse', 'hang', 'drop', 'none'];

/** Checks an untrusted fault spec (from JSON). */
export function parseFaultSpec(raw: unknown): FaultParse {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: 'a fault is a JSON object' };
  const r = raw as Record<string, unknown>;
  if (typeof r['kind'] !== 'string' || !KINDS.includes(r['kind'])) return { ok: false, error: `fault kind must be one of ${KINDS.join(', ')}` };
  const kind = r['kind'] as FaultSpec['kind'];
  const { status, count, seconds, path } = r;
  if (kind === 'status' && !(Number.isInteger(status) && (status as number) >= 100 && (status as number) <= 599)) {
    return { ok: false, error: 'a status fault needs "status" between 100 and 599' };
  }
  if (count !== undefined && !(Number.isInteger(count) && (count as number) > 0)) return { ok: false, error: '"count" must be a positive integer' };
  if (seconds !== undefined && !(typeof seconds === 'number' && seconds > 0 && Number.isFinite(seconds))) {
    return { ok: false, error: '"seconds" must be a positive number' };
  }
  if (path !== undefined && typeof path !== 'string') return { ok: false, error: '"path" must be a string' };
  return {
    ok: true,
    spec: { kind, status: status as number | undefined, count: count as number | undefined, seconds: seconds as number | undefined, path: path as string | undefined },
  };
}

/** Absolute path prefix a fault applies to. */
export function faultPrefix(path: string | undefined): string {
  if (path === undefined || path === '') return '/';
  return path.startsWith('/') ? path : `/computeMetadata/v1/${path}`;
}

/** The active per-request fault (status, hang, drop), if any. */
export interface FaultState {
  /** Replaces the active fault; `none` and `refuse` clear the per-request one. */
  set(spec: FaultSpec): void;
  /** The fault that catches a request for `pathname` now, consuming one `count`. */
  take(pathname: string): FaultSpec | undefined;
}

/** Creates fault state over an injectable clock (milliseconds). */
export function createFaultState(now: () => number = Date.now): FaultState {
  let active: { spec: FaultSpec; prefix: string; remaining: number | undefined; until: number | undefined } | undefined;
  return {
    set(spec) {
      active =
        spec.kind === 'none' || spec.kind === 'refuse'
          ? undefined
          : { spec, prefix: faultPrefix(spec.path), remaining: spec.count, until: spec.seconds === undefined ? undefined : now() + spec.seconds * 1000 };
    },
    take(pathname) {
      if (active === undefined) return undefined;
      if (active.until !== undefined && now() >= active.until) {
        active = undefined;
        return undefined;
      }
      if (!pathname.startsWith(active.prefix)) return undefined;
      const spec = active.spec;
      if (active.remaining !== undefined) {
        active.remaining -= 1;
        if (active.remaining <= 0) active = undefined;
      }
      return spec;
    },
  };
}
