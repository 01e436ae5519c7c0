/**
 * The one persistent `ip -o monitor route link` child of the IP forwarding feature, and the
 * reader of its lines. It owns spawning, line splitting, readiness and killing that child; it must
 * not decide what an event means for the machine (the feature's route view does) and must never
 * leave the child running after `stop()`.
 *
 * Why `link` as well as `route`: the kernel flushes IPv4 routes of a deleted interface, and a
 * renamed interface changes the `dev` of its routes, without any route notification (checked on
 * iproute2 6.1 / Linux 6.x). A link event therefore marks the feature's view as stale.
 */
import { spawn } from 'node:child_process';
import { cidrOf, routeFields, type LocalRoute } from './routes.js';

/** The monitor command: one line per event (`-o`), routes and links. */
export const MONITOR_ARGV: readonly string[] = ['ip', '-o', 'monitor', 'route', 'link'];

/** Time after the child started before events are trusted to be seen (netlink subscription). */
export const MONITOR_READY_GRACE_MS = 150;

/** What one monitor line means for a view of our routes. */
export type RouteEvent =
  | { readonly kind: 'added' | 'deleted'; readonly route: LocalRoute }
  /** An interface appeared, changed, was renamed or left: routes may have changed silently. */
  | { readonly kind: 'link' }
  /** Might concern our routes but cannot be read exactly (a named proto, no device). */
  | { readonly kind: 'unknown'; readonly line: string }
  /** Certainly not one of our routes (IPv6, another table, type or proto). */
  | { readonly kind: 'other' };

/** Protocol names iproute2 ships in rt_protos; a route printed with one of them is not ours. */
const FOREIGN_PROTO_NAMES = new Set([
  'unspec', 'redirect', 'kernel', 'boot', 'static', 'gated', 'ra', 'mrt', 'zebra', 'bird', 'dnrouted', 'xorp',
  'ntk', 'dhcp', 'keepalived', 'babel', 'openr', 'bgp', 'isis', 'ospf', 'rip', 'eigrp',
]);

const ROUTE_TYPES = new Set([
  'unicast', 'local', 'broadcast', 'multicast', 'throw', 'unreachable', 'prohibit', 'blackhole', 'nat', 'anycast',
]);

/**
 * Reads one line of `ip -o monitor route link` for routes of protocol `proto`, e.g.
 * `local 10.1.2.3 dev eth0 table local proto 66 scope host` or `Deleted local 10.1.2.3 …`.
 * A named proto other than iproute2's own names could be an alias of ours (rt_protos), so it is
 * `unknown` rather than guessed.
 */
export function parseMonitorLine(line: string, proto: number): RouteEvent {
  const tokens = line.trim().split(/\s+/).filter((t) => t !== '');
  const deleted = tokens[0] === 'Deleted';
  if (deleted) tokens.shift();
  const first = tokens[0];
  if (first === undefined) return { kind: 'other' };
  if (/^\d+:$/.test(first)) return { kind: 'link' };
  const type = ROUTE_TYPES.has(first) ? first : 'unicast';
  if (ROUTE_TYPES.has(first)) tokens.shift();
  if (type !== 'local') return { kind: 'other' };
  const dst = cidrOf(tokens[0] ?? '');
  if (dst === undefined) return { kind: 'other' };
  const fields = routeFields(tokens.slice(1));
  if ((fields.get('table') ?? 'main') !== 'local') return { kind: 'other' };
  const p = fields.get('proto');
  if (p === undefined || FOREIGN_PROTO_NAMES.has(p) || (/^\d+$/.test(p) && Number(p) !== proto)) {
    return { kind: 'other' };
  }
  const dev = fields.get('dev');
  if (!/^\d+$/.test(p) || dev === undefined) return { kind: 'unknown', line: line.trim() };
  return { kind: deleted ? 'deleted' : 'added', route: { dst, dev } };
}

/** Callbacks of one monitor child; each is called from the event loop, never synchronously. */
export interface MonitorHandlers {
  /** The child has had time to subscribe: events from now on are seen. */
  onReady(): void;
  /** One complete output line (without the newline). */
  onLine(line: string): void;
  /** The child could not start or ended on its own (not after `stop()`); called at most once. */
  onExit(reason: string): void;
}

/** A running monitor child. */
export interface MonitorProcess {
  readonly pid: number | undefined;
  /** Kills the child (TERM, then KILL after a second) and resolves once it is gone. */
  stop(): Promise<void>;
}

/** Starts a monitor child; injectable so the feature's view can be tested without processes. */
export type SpawnMonitor = (handlers: MonitorHandlers) => MonitorProcess;

/** Spawns `argv` (default `MONITOR_ARGV`) with stdin closed and reads its stdout line by line. */
export function spawnRouteMonitor(handlers: MonitorHandlers, argv: readonly string[] = MONITOR_ARGV): MonitorProcess {
  const [file, ...args] = argv;
  const child = spawn(file ?? 'ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let buffered = '';
  let stderr = '';
  let stopping = false;
  let ended = false;
  let readyTimer: NodeJS.Timeout | undefined;
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));

  const end = (reason: string): void => {
    if (ended) return;
    ended = true;
    if (readyTimer) clearTimeout(readyTimer);
    if (!stopping) handlers.onExit(reason);
  };
  child.once('spawn', () => {
    readyTimer = setTimeout(() => {
      readyTimer = undefined;
      if (!ended) handlers.onReady();
    }, MONITOR_READY_GRACE_MS);
  });
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    let nl = buffered.indexOf('\n');
    while (nl >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!stopping) handlers.onLine(line);
      nl = buffered.indexOf('\n');
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    // Only the tail is kept, for the exit reason.
    stderr = (stderr + chunk).slice(-500);
  });
  child.once('error', (e: Error) => end(`could not start: ${e.message}`));
  child.once('exit', (code, signal) => {
    const why = signal ? `was killed by ${signal}` : `exited with status ${code ?? 'unknown'}`;
    const tail = stderr.trim();
    end(tail ? `${why}: ${tail}` : why);
  });

  return {
    pid: child.pid,
    async stop() {
      stopping = true;
      if (readyTimer) clearTimeout(readyTimer);
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), 1000);
        await closed;
        clearTimeout(force);
      } else if (child.pid !== undefined) {
        await closed;
      }
    },
  };
}
