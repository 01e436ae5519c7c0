/**
 * The feature's view of the routes with our protocol, kept current so an idle pass spawns
 * nothing: listed once, then updated from the monitor's route events; listed again only when the
 * view cannot be trusted (an unreadable event about our proto, a link change, a monitor restart,
 * events racing a listing) or, while the monitor is down, on every pass. It owns the monitor's
 * restart policy; it must not plan or change routes.
 */
import { errorMessage } from '../../core/errors.js';
import type { LogOnce } from '../../core/logger.js';
import { parseMonitorLine, type MonitorProcess, type SpawnMonitor } from '../../os/route-monitor.js';
import { listLocalRoutes, routeKey, type LocalRoute } from '../../os/routes.js';
import type { Runner } from '../../os/types.js';

/** First restart delay of a dying monitor; it doubles per failure. */
export const RESTART_BASE_MS = 1000;
/** Longest restart delay, and how long a monitor must run before it counts as recovered. */
export const RESTART_CAP_MS = 60_000;

/** What a route view needs: our proto, logging, and whom to tell about changes. */
export interface RouteViewOptions {
  readonly proto: number;
  /** Monitor trouble and unreadable listings are logged once each. */
  readonly logOnce: LogOnce;
  /** Called after an event that may mean our routes differ from what is wanted. */
  readonly onChange: () => void;
  readonly now?: () => number;
  /** First restart delay (default RESTART_BASE_MS; tests shorten it). */
  readonly restartBaseMs?: number;
}

/** The routes of our proto as the feature sees them, kept by the monitor when it runs. */
export interface RouteView {
  /** Starts the monitor; resolves once it is ready or known to be unavailable. */
  start(spawn: SpawnMonitor): Promise<void>;
  /** Our routes now: the kept view when it is trusted, else a fresh listing. */
  routes(runner: Runner, signal?: AbortSignal): Promise<LocalRoute[]>;
  /**
   * Our own changes are not trusted until a listing confirms them: their events may still be on
   * the way, and a pass planning from the old view would repeat them.
   */
  invalidate(): void;
  /** True while a ready monitor keeps the view current. */
  monitoring(): boolean;
  stop(): Promise<void>;
}

type MonitorState = 'off' | 'starting' | 'ready' | 'down';

/** A view for one protocol id; without `start` it simply lists on every call. */
export function createRouteView(opts: RouteViewOptions): RouteView {
  const now = opts.now ?? Date.now;
  const known = new Map<string, LocalRoute>();
  let trusted = false;
  let generation = 0;
  let state: MonitorState = 'off';
  let child: MonitorProcess | undefined;
  let spawnFn: SpawnMonitor | undefined;
  let failures = 0;
  let readySince = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  let settleStart: (() => void) | undefined;
  let starting: Promise<void> | undefined;

  const distrust = (): void => {
    trusted = false;
    generation += 1;
  };

  const onLine = (line: string): void => {
    const ev = parseMonitorLine(line, opts.proto);
    if (ev.kind === 'other') return;
    generation += 1;
    if (ev.kind === 'added') known.set(routeKey(ev.route), ev.route);
    else if (ev.kind === 'deleted') known.delete(routeKey(ev.route));
    else distrust();
    opts.onChange();
  };

  const onReady = (): void => {
    if (stopped) return;
    state = 'ready';
    readySince = now();
    settleStart?.();
  };

  const onExit = (reason: string): void => {
    child = undefined;
    if (stopped) return;
    const wasWatching = state === 'ready';
    state = 'down';
    distrust();
    failures += 1;
    readySince = 0;
    opts.logOnce.report('route-monitor', 'warn', `route monitor ${reason}; listing routes on every pass until it runs again`);
    const delay = Math.min(RESTART_CAP_MS, (opts.restartBaseMs ?? RESTART_BASE_MS) * 2 ** Math.min(failures - 1, 10));
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      launch();
    }, delay);
    settleStart?.();
    // A watcher died: changes may have been missed, so let the feature look again. A child
    // that never got going missed nothing, and the passes list while it is down anyway.
    if (wasWatching) opts.onChange();
  };

  function launch(): void {
    if (stopped || !spawnFn) return;
    state = 'starting';
    distrust();
    try {
      child = spawnFn({ onReady, onLine, onExit });
    } catch (e: unknown) {
      // spawn() itself threw: handled like a child that died at once (restart with backoff).
      onExit(`could not start: ${errorMessage(e)}`);
    }
  }

  const startMonitor = async (spawn: SpawnMonitor): Promise<void> => {
    if (stopped) return;
    spawnFn = spawn;
    const settled = new Promise<void>((resolve) => {
      settleStart = resolve;
    });
    launch();
    await settled;
    settleStart = undefined;
  };

  return {
    start(spawn) {
      if (!starting) starting = startMonitor(spawn);
      return starting;
    },

    async routes(runner, signal) {
      // Recovery is declared only after a stable minute, so a flapping child logs one line.
      if (state === 'ready' && failures > 0 && now() - readySince >= RESTART_CAP_MS) {
        failures = 0;
        opts.logOnce.clear('route-monitor', 'route monitor running again');
      }
      if (trusted && state === 'ready') return [...known.values()];
      const before = generation;
      const listing = await listLocalRoutes(runner, opts.proto, signal);
      if (listing.unparsed.length > 0) {
        opts.logOnce.report('unparsed-routes', 'warn', `could not read ${listing.unparsed.length} line(s) of ip route output, e.g. ${JSON.stringify(listing.unparsed[0])}`);
      } else {
        opts.logOnce.clear('unparsed-routes');
      }
      known.clear();
      for (const r of listing.routes) known.set(routeKey(r), r);
      // Events that arrived while listing may or may not be in it: trust only a quiet listing.
      trusted = state === 'ready' && generation === before;
      return listing.routes;
    },

    invalidate: distrust,

    monitoring: () => state === 'ready',

    async stop() {
      stopped = true;
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = undefined;
      settleStart?.();
      const c = child;
      child = undefined;
      state = 'off';
      trusted = false;
      if (c) await c.stop();
    },
  };
}
