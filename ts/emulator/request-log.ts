/**
 * The emulator's request log and counters (metadata-server.md §11.4 `requests`), used by tests to
 * assert request rates, in-flight hanging GETs and header hygiene. Owns only the records; it must
 * not see sockets. Bounded, so a long-running emulator does not grow without limit.
 */

/** What finally happened to a request. */
export type RequestOutcome = 'pending' | 'answered' | 'aborted' | 'hung' | 'dropped';

/** One logged request (control-API requests are not logged). */
export interface RequestRecord {
  /** Arrival time, ISO 8601. */
  readonly time: string;
  readonly method: string;
  readonly path: string;
  /** The query string without `?`. */
  readonly query: string;
  /** A `Metadata-Flavor` header was present (any value). */
  readonly flavor: boolean;
  /** An `X-Google-Metadata-Request` header was present. */
  readonly legacyFlavor: boolean;
  readonly forwardedFor: boolean;
  readonly authorization: boolean;
  /** For `/files/…`: whether `Authorization: Bearer <current token>` matched. */
  tokenMatched?: boolean;
  status: number | null;
  /** Milliseconds from arrival to the answer (or abort); null while pending. */
  waitMs: number | null;
  outcome: RequestOutcome;
}

/** A copy of the log with counters. */
export interface RequestLogSnapshot {
  /** Requests in arrival order (the newest 10,000). */
  readonly log: readonly RequestRecord[];
  /** Requests (including the ones dropped from the bounded log) per path and per status. */
  readonly counters: {
    readonly total: number;
    readonly byPath: Readonly<Record<string, number>>;
    readonly byStatus: Readonly<Record<string, number>>;
  };
  /** Requests received and not yet answered (hanging GETs in flight). */
  readonly inFlight: number;
}

/** The mutable log owned by one emulator. */
export interface RequestLog {
  start(record: Omit<RequestRecord, 'status' | 'waitMs' | 'outcome'>): RequestRecord;
  finish(record: RequestRecord, outcome: Exclude<RequestOutcome, 'pending'>, status: number | null): void;
  snapshot(): RequestLogSnapshot;
  reset(): void;
}

const MAX_RECORDS = 10000;

/** Creates an empty log over an injectable clock (milliseconds). */
export function createRequestLog(now: () => number = Date.now): RequestLog {
  let records: RequestRecord[] = [];
  let total = 0;
  let byPath: Record<string, number> = {};
  let byStatus: Record<string, number> = {};
  const started = new WeakMap<RequestRecord, number>();
  return {
    start(fields) {
      const record: RequestRecord = { ...fields, status: null, waitMs: null, outcome: 'pending' };
      started.set(record, now());
      records.push(record);
      if (records.length > MAX_RECORDS) records = records.slice(-MAX_RECORDS);
      total += 1;
      byPath[fields.path] = (byPath[fields.path] ?? 0) + 1;
      return record;
    },
    finish(record, outcome, status) {
      if (record.outcome !== 'pending') return;
      record.outcome = outcome;
      record.status = status;
      record.waitMs = now() - (started.get(record) ?? now());
      if (status !== null) byStatus[String(status)] = (byStatus[String(status)] ?? 0) + 1;
    },
    snapshot() {
      return {
        log: records.map((r) => ({ ...r })),
        counters: { total, byPath: { ...byPath }, byStatus: { ...byStatus } },
        inFlight: records.filter((r) => r.outcome === 'pending').length,
      };
    },
    reset() {
      // Pending records stay reachable by their requests, so they still finish cleanly.
      records = records.filter((r) => r.outcome === 'pending');
      total = records.length;
      byPath = {};
      for (const r of records) byPath[r.path] = (byPath[r.path] ?? 0) + 1;
      byStatus = {};
    },
  };
}
