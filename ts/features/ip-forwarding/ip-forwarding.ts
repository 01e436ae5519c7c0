/**
 * Wiring of the `ip-forwarding` feature (behaviour spec §7): local routes in table `local` for
 * every forwarded IP, IP alias and target-instance IP of each NIC, marked with our proto so only
 * ours are ever deleted. Observe re-reads the interfaces every pass and takes routes from the
 * monitor-kept view (no spawn on an idle pass); `start()` also arms a repair pass that restores a
 * route deleted behind our back within about a second. It must not decide anything the pure
 * planner decides, and never touches a host routing table from a sandbox root.
 */
import { GuestError } from '../../core/errors.js';
import { emptyReport, reconcile, type Feature, type PassContext } from '../../core/feature.js';
import { createLogOnce } from '../../core/logger.js';
import { emptySnapshot } from '../../metadata/snapshot.js';
import { spawnRouteMonitor, type SpawnMonitor } from '../../os/route-monitor.js';
import { addLocalRoute, deleteLocalRoute } from '../../os/routes.js';
import { applyBatch } from './apply-batch.js';
import type { Os } from '../../os/types.js';
import { desiredForwarding, type ForwardingDesired } from './desired.js';
import { forwardingDiagnostics, planRoutes, type ForwardingObserved, type RouteAction } from './plan.js';
import { createRepairScheduler, type RepairScheduler } from './repair.js';
import { createRouteView, type RouteView } from './route-view.js';

/** Seams for tests and benchmarks; production uses the defaults. */
export interface IpForwardingOptions {
  /** Starts the route monitor child (default: `ip -o monitor route link`); null: no monitor. */
  readonly spawnMonitor?: SpawnMonitor | null;
  /** Quiet time before a repair pass (default 200 ms). */
  readonly repairDelayMs?: number;
  /** Minimum time between repair passes (default 1 s). */
  readonly repairIntervalMs?: number;
}

/** The IP forwarding feature; one instance per process (it holds the route view). */
export type IpForwardingFeature = Feature<ForwardingDesired, ForwardingObserved, RouteAction>;

const SANDBOX_REASON = 'sandbox root and not in a private network namespace: the host routing table is never touched';

/** Builds the feature with its own route view and (after `start`) monitor and repair scheduler. */
export function createIpForwardingFeature(options: IpForwardingOptions = {}): IpForwardingFeature {
  const spawnMonitor = options.spawnMonitor === undefined ? spawnRouteMonitor : options.spawnMonitor;
  let view: RouteView | undefined;
  let viewProto: number | undefined;
  let repair: RepairScheduler | undefined;
  let started = false;
  let last: { desired: ForwardingDesired; ctx: PassContext } | undefined;
  let observing = 0;
  let applying = false;

  // The view is per proto; the proto comes from the config, known at start or on the first pass.
  const viewFor = (proto: number, ctx: PassContext): RouteView => {
    if (view && viewProto === proto) return view;
    void view?.stop();
    viewProto = proto;
    const fresh = createRouteView({ proto, logOnce: createLogOnce(ctx.log), onChange: () => repair?.schedule() });
    view = fresh;
    // The config is loaded once per process, so this happens only if a caller changes proto.
    if (started && spawnMonitor) void fresh.start(spawnMonitor);
    return fresh;
  };

  const observeNow = async (os: Os, desired: ForwardingDesired, ctx: PassContext): Promise<ForwardingObserved> => {
    observing += 1;
    try {
      last = { desired, ctx };
      const interfaces = await os.sys.interfaces();
      const routes = await viewFor(desired.proto, ctx).routes(os.exec, ctx.signal);
      return { interfaces, routes };
    } finally {
      observing -= 1;
    }
  };

  const feature: IpForwardingFeature = {
    id: 'ip-forwarding',
    tag: 'google-ip-forwarding',
    lockName: 'google_ip_forwarding.lock',
    enabled: (cfg) => cfg.daemons.ipForwardingDaemon,
    desired: (snapshot, cfg) => desiredForwarding(snapshot, cfg),

    async observe(os, desired, ctx) {
      // A repair pass in flight finishes first, so the two never plan against each other.
      const pending = repair?.running();
      if (pending) await pending;
      return observeNow(os, desired, ctx);
    },

    plan: (desired, observed) => planRoutes(desired, observed),
    diagnostics: (desired, observed) => forwardingDiagnostics(desired, observed),
    describe: (a) => ({ dst: a.dst, dev: a.dev, proto: a.proto }),

    async apply(actions, os, ctx) {
      applying = true;
      try {
        const report = emptyReport<RouteAction>();
        if (os.sandboxed && !(await os.sys.inPrivateNetns())) {
          for (const action of actions) report.skipped.push({ action, reason: SANDBOX_REASON });
          return report;
        }
        if (actions.length > 1) {
          // One `ip -batch` process for the whole plan; failures still come back per route.
          await applyBatch(actions, os, report, ctx.signal);
        } else {
          for (const action of actions) {
            const route = { dst: action.dst, dev: action.dev };
            try {
              if (action.kind === 'add-route') await addLocalRoute(os.exec, route, action.proto, ctx.signal);
              else await deleteLocalRoute(os.exec, route, action.proto, ctx.signal);
              report.applied.push(action);
            } catch (e: unknown) {
              report.failed.push({ action, error: e });
            }
          }
        }
        // The events of these changes trigger a repair pass, which lists once to confirm them.
        if (report.applied.length > 0) view?.invalidate();
        return report;
      } finally {
        applying = false;
      }
    },

    async start(os, ctx) {
      if (started || spawnMonitor === null) return;
      const v = viewFor(ctx.cfg.ipForwarding.ethernetProtoId, ctx);
      started = true;
      const logOnce = createLogOnce(ctx.log);
      // The repair pass is the feature's own reconcile against the last desired state it saw.
      // canRun keeps it out of the loop's observe and apply; between those two reconcile() runs
      // only synchronous code, so no timer (and no repair) can slip in while the loop plans.
      const repairFeature: IpForwardingFeature = {
        ...feature,
        desired: () => {
          // Unreachable (canRun needs `last`), but never plan from an empty desired state.
          if (!last) throw new GuestError('E_NO_PASS', 'no pass has run yet');
          return last.desired;
        },
        observe: observeNow,
        diagnostics: undefined,
      };
      repair = createRepairScheduler({
        delayMs: options.repairDelayMs ?? 200,
        minIntervalMs: options.repairIntervalMs ?? 1000,
        canRun: () => observing === 0 && !applying && last !== undefined,
        run: async () => {
          if (!last || last.ctx.signal?.aborted) return;
          await reconcile(repairFeature, emptySnapshot(), os, { cfg: last.ctx.cfg, log: ctx.log, logOnce, dryRun: false, signal: last.ctx.signal });
        },
      });
      await v.start(spawnMonitor);
    },

    async stop() {
      const r = repair;
      repair = undefined;
      await r?.stop();
      const v = view;
      view = undefined;
      await v?.stop();
      started = false;
    },
  };
  return feature;
}
