/**
 * The logging interface every part of the project writes to, and the pure pieces around it:
 * line formatting (`<tag>: <LEVEL> <message>`), audit lines, the memory sink used by tests and
 * the "log once" helper. Sinks that touch the machine (journal, syslog, console, remote) live in
 * `ts/os/log.ts`; nothing here performs I/O.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Extra key=value pairs appended to a line; undefined values are left out. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** One formatted log record as handed to sinks. */
export interface LogRecord {
  readonly tag: string;
  readonly level: LogLevel;
  /** The message without tag and level, fields already appended. */
  readonly message: string;
}

/** Where records go. `write` must never throw or block the caller. */
export interface LogSink {
  /** Lowest level this sink accepts. */
  readonly threshold: LogLevel;
  write(record: LogRecord): void;
  /** Resolves once everything written so far has left the process (best effort). */
  flush?(): Promise<void>;
}

export type AuditOutcome = 'applied' | 'failed' | 'skipped';

/** The logger every module receives; `child` gives another tag over the same sinks. */
export interface Logger {
  readonly tag: string;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** One audit line: `applied <action> k=v…`, `failed <action> k=v…: <reason>`, `skipped …`. */
  audit(outcome: AuditOutcome, action: string, fields: LogFields, reason?: string): void;
  child(tag: string): Logger;
  flush(): Promise<void>;
}

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Python level names kept from 2016 so `grep` habits keep working. */
export const LEVEL_NAMES: Record<LogLevel, string> = {
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
};

/** True when `level` passes `threshold`. */
export function levelPasses(level: LogLevel, threshold: LogLevel): boolean {
  return LEVEL_ORDER[level] >= LEVEL_ORDER[threshold];
}

/** Formats one value: bare when it is a simple token, JSON-quoted otherwise. */
export function formatValue(value: string | number | boolean): string {
  const text = String(value);
  return /^[A-Za-z0-9_.,:/@%+=-]+$/.test(text) ? text : JSON.stringify(text);
}

/** `k=v k2="v 2"` in insertion order, skipping undefined values. */
export function formatFields(fields: LogFields | undefined): string {
  if (!fields) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    parts.push(`${k}=${formatValue(v)}`);
  }
  return parts.join(' ');
}

/** `<message> k=v…` */
export function joinMessage(message: string, fields?: LogFields): string {
  const f = formatFields(fields);
  return f ? `${message} ${f}` : message;
}

/** The full line as the console and files show it: `<tag>: <LEVEL> <message>`. */
export function formatLine(record: LogRecord): string {
  return `${record.tag}: ${LEVEL_NAMES[record.level]} ${record.message}`;
}

/** Builds a Logger over the given sinks; sinks below their threshold are skipped. */
export function createLogger(tag: string, sinks: readonly LogSink[]): Logger {
  const emit = (level: LogLevel, message: string, fields?: LogFields): void => {
    const record: LogRecord = { tag, level, message: joinMessage(message, fields) };
    for (const sink of sinks) {
      if (!levelPasses(level, sink.threshold)) continue;
      try {
        sink.write(record);
      } catch {
        // A sink must never take the caller down; sinks handle their own fallbacks.
      }
    }
  };
  return {
    tag,
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    audit(outcome, action, fields, reason) {
      const body = joinMessage(`${outcome} ${action}`, fields);
      if (outcome === 'failed') emit('error', reason ? `${body}: ${reason}` : body);
      else emit('info', reason ? `${body}: ${reason}` : body);
    },
    child: (childTag) => createLogger(childTag, sinks),
    async flush() {
      await Promise.all(sinks.map((s) => (s.flush ? s.flush().catch(() => undefined) : undefined)));
    },
  };
}

/** A sink that keeps records in memory (tests, and `--json` plan capture). */
export interface MemorySink extends LogSink {
  readonly records: LogRecord[];
  /** Formatted lines, `<tag>: <LEVEL> <message>`. */
  lines(): string[];
  clear(): void;
}

export function createMemorySink(threshold: LogLevel = 'debug'): MemorySink {
  const records: LogRecord[] = [];
  return {
    threshold,
    records,
    write: (r) => {
      records.push(r);
    },
    lines: () => records.map(formatLine),
    clear: () => {
      records.length = 0;
    },
  };
}

/** A logger writing only to a fresh memory sink, for tests. */
export function createMemoryLogger(tag = 'test'): { log: Logger; sink: MemorySink } {
  const sink = createMemorySink();
  return { log: createLogger(tag, [sink]), sink };
}

/**
 * "Log once": a repeated identical problem for the same key is logged once; when it clears or
 * changes, one line says so with the repeat count. State lives in the returned object, never in
 * the module.
 */
export interface LogOnce {
  /** Logs `message` at `level` unless the same message is already active for `key`. */
  report(key: string, level: LogLevel, message: string): void;
  /** Ends the condition for `key`; logs `recovered` (with the repeat count) if one was active. */
  clear(key: string, recovered?: string): void;
  /** True if a problem is active for `key`. */
  active(key: string): boolean;
}

export function createLogOnce(log: Logger): LogOnce {
  const state = new Map<string, { message: string; count: number }>();
  return {
    report(key, level, message) {
      const prev = state.get(key);
      if (prev && prev.message === message) {
        prev.count += 1;
        return;
      }
      state.set(key, { message, count: 1 });
      log[level](message);
    },
    clear(key, recovered) {
      const prev = state.get(key);
      if (!prev) return;
      state.delete(key);
      if (recovered) log.info(`${recovered} (after ${prev.count} failed attempt${prev.count === 1 ? '' : 's'})`);
    },
    active: (key) => state.has(key),
  };
}

/** A Logger that forwards to whatever `get` returns at call time (for objects built before the logger). */
export function deferredLogger(tag: string, get: () => Logger | undefined): Logger {
  return {
    tag,
    debug: (m, f) => get()?.debug(m, f),
    info: (m, f) => get()?.info(m, f),
    warn: (m, f) => get()?.warn(m, f),
    error: (m, f) => get()?.error(m, f),
    audit: (o, a, f, r) => get()?.audit(o, a, f, r),
    child: (t) => get()?.child(t) ?? deferredLogger(t, get),
    flush: async () => get()?.flush(),
  };
}
