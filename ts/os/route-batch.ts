/**
 * Many route changes in one process: `ip -force -batch -` reads one `route add|delete …` line
 * per change from stdin, goes on after a failing line and names each failure on stderr
 * (`RTNETLINK answers: File exists` then `Command failed -:<line>`). 256 forwarded IPs then cost
 * one process instead of 256. It owns the batch spelling and the mapping of failures back to
 * changes; the lines are exactly the argv of routes.ts without the leading `ip`.
 */
import { CommandError } from '../core/errors.js';
import { addRouteArgv, deleteRouteArgv, type LocalRoute } from './routes.js';
import type { Runner } from './types.js';

/** One change of a batch. */
export interface RouteChange {
  readonly op: 'add' | 'delete';
  readonly route: LocalRoute;
}

/** The argv that reads the batch from stdin and keeps going after a failed line. */
export const BATCH_ARGV: readonly string[] = ['ip', '-force', '-batch', '-'];

/** The stdin of the batch: one line per change, in order. */
export function batchInput(changes: readonly RouteChange[], proto: number): string {
  return changes
    .map((c) => (c.op === 'add' ? addRouteArgv(c.route, proto) : deleteRouteArgv(c.route, proto)).slice(1).join(' '))
    .map((line) => `${line}\n`)
    .join('');
}

/**
 * The failed lines of a batch (1-based line number → the messages printed before its
 * `Command failed -:<n>` marker).
 */
export function parseBatchFailures(stderr: string): Map<number, string> {
  const failures = new Map<number, string>();
  let pending: string[] = [];
  for (const raw of stderr.split('\n')) {
    const line = raw.trim();
    const marker = /^Command failed (?:-|\S+):(\d+)$/.exec(line);
    if (marker) {
      failures.set(Number(marker[1]), pending.join('; ') || 'failed');
      pending = [];
    } else if (line !== '') {
      pending.push(line);
    }
  }
  return failures;
}

/**
 * Runs the changes as one batch. The result has one entry per change: undefined when it took
 * effect, the error otherwise. When `ip` itself fails (missing, killed, timed out, or an exit
 * status with no failed line named) every change carries that failure.
 */
export async function applyRouteBatch(
  runner: Runner,
  changes: readonly RouteChange[],
  proto: number,
  signal?: AbortSignal,
): Promise<(Error | undefined)[]> {
  if (changes.length === 0) return [];
  const input = batchInput(changes, proto);
  const result = await runner.run(BATCH_ARGV, { input, signal, timeoutMs: 60_000 });
  const failures = parseBatchFailures(result.stderr);
  if (!result.failed) return changes.map(() => undefined);
  if (result.exitCode === undefined || failures.size === 0) {
    const whole = new CommandError(BATCH_ARGV, { ...result, exitCode: result.exitCode, signal: result.signal });
    return changes.map(() => whole);
  }
  return changes.map((c, i) => {
    const message = failures.get(i + 1);
    if (message === undefined) return undefined;
    const argv = c.op === 'add' ? addRouteArgv(c.route, proto) : deleteRouteArgv(c.route, proto);
    return new CommandError(argv, { exitCode: result.exitCode, stderr: message });
  });
}
