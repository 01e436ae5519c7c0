/**
 * The project's error types. Only these (all `Error` subclasses) are thrown; each carries a
 * stable `code` so callers and tests can branch without parsing messages. Exit codes are mapped
 * from them in `ts/bin` only.
 */

/** Base class: a stable code, a message naming the action and the object, an optional cause. */
export class GuestError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A command exited non-zero, timed out or could not start; keeps argv, status and stderr. */
export class CommandError extends GuestError {
  readonly argv: readonly string[];
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly stderr: string;
  readonly timedOut: boolean;
  constructor(
    argv: readonly string[],
    result: { exitCode?: number; signal?: string; stderr?: string; timedOut?: boolean },
    options?: { cause?: unknown },
  ) {
    const stderr = (result.stderr ?? '').trim().slice(0, 2000);
    const status = result.timedOut
      ? 'timed out'
      : result.signal
        ? `killed by ${result.signal}`
        : result.exitCode === undefined
          ? 'could not start'
          : `exit status ${result.exitCode}`;
    super('E_COMMAND', `${argv.join(' ')}: ${status}${stderr ? `: ${stderr}` : ''}`, options);
    this.argv = argv;
    this.exitCode = result.exitCode;
    this.signal = result.signal;
    this.stderr = stderr;
    this.timedOut = result.timedOut ?? false;
  }
}

/** A metadata request failed: the URL and, when there was a response, its status. */
export class MetadataError extends GuestError {
  readonly url: string;
  readonly status: number | undefined;
  /** Failure class used for backoff and "log once" keys. */
  readonly kind: MetadataFailureKind;
  constructor(kind: MetadataFailureKind, url: string, message: string, status?: number, options?: { cause?: unknown }) {
    super('E_METADATA', `${url}: ${message}`, options);
    this.kind = kind;
    this.url = url;
    this.status = status;
  }
}

/** How a metadata request failed; transient kinds are retried with the short backoff. */
export type MetadataFailureKind =
  | 'refused'
  | 'reset'
  | 'timeout'
  | 'unavailable' // 503 and other 5xx
  | 'not-found' // 404
  | 'forbidden' // 403
  | 'bad-request' // 400, 405 and other 4xx
  | 'bad-response' // missing flavor header, invalid JSON, truncated body
  | 'aborted';

/** Every problem found in the configuration layers, reported together. */
export class ConfigError extends GuestError {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super('E_CONFIG', issues.join('; '));
    this.issues = issues;
  }
}

/** A single-instance lock is held by another live process. */
export class LockHeldError extends GuestError {
  readonly path: string;
  readonly holderPid: number | undefined;
  constructor(path: string, holderPid: number | undefined) {
    super('E_LOCK_HELD', `${path} is held by pid ${holderPid ?? 'unknown'}`);
    this.path = path;
    this.holderPid = holderPid;
  }
}

/** Bad command-line usage (exit status 2). */
export class UsageError extends GuestError {
  constructor(message: string) {
    super('E_USAGE', message);
  }
}

/** A file operation was refused for safety (symlink, wrong owner, path escaping the root). */
export class UnsafePathError extends GuestError {
  readonly path: string;
  constructor(path: string, reason: string) {
    super('E_UNSAFE_PATH', `${path}: ${reason}`);
    this.path = path;
  }
}

/** The message of any thrown value, for log lines. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
