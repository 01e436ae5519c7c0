/**
 * The pure planner of the IP forwarding feature: joins the desired entries to interfaces by MAC,
 * compares the result with the routes of our protocol that exist, and returns deletes then adds.
 * It also names the problems worth one log line (rejected entries, unknown MACs, an address
 * wanted on two NICs). It must not read the machine or run anything.
 */
import type { Diagnostic } from '../../core/feature.js';
import type { NetInterface } from '../../os/types.js';
import { routeKey, type LocalRoute } from '../../os/routes.js';
import type { ForwardingDesired } from './desired.js';

/** What observe saw: the interfaces (re-read every pass) and the routes with our proto. */
export interface ForwardingObserved {
  readonly interfaces: readonly NetInterface[];
  readonly routes: readonly LocalRoute[];
}

/** One route change; `proto` is always ours. */
export interface RouteAction {
  readonly kind: 'add-route' | 'delete-route';
  readonly dst: string;
  readonly dev: string;
  readonly proto: number;
}

/** Desired routes on real interfaces, plus what could not be placed. */
export interface BoundRoutes {
  readonly routes: readonly LocalRoute[];
  readonly unknownMacs: readonly string[];
  /** A destination wanted on a second interface: the first NIC in metadata keeps it. */
  readonly conflicts: readonly { readonly dst: string; readonly dev: string; readonly keptOn: string }[];
}

/** Joins desired NICs to interfaces by MAC (case-insensitive). */
export function bindRoutes(desired: ForwardingDesired, interfaces: readonly NetInterface[]): BoundRoutes {
  const byMac = new Map<string, string>();
  for (const i of interfaces) if (!byMac.has(i.mac.toLowerCase())) byMac.set(i.mac.toLowerCase(), i.name);
  const routes: LocalRoute[] = [];
  const unknownMacs: string[] = [];
  const conflicts: { dst: string; dev: string; keptOn: string }[] = [];
  const placed = new Map<string, string>();
  for (const nic of desired.nics) {
    const dev = byMac.get(nic.mac.toLowerCase());
    if (dev === undefined) {
      if (nic.entries.length > 0) unknownMacs.push(nic.mac);
      continue;
    }
    for (const e of nic.entries) {
      const keptOn = placed.get(e.dst);
      if (keptOn !== undefined) {
        // The kernel keys local routes by destination: a second device would only fail.
        if (keptOn !== dev) conflicts.push({ dst: e.dst, dev, keptOn });
        continue;
      }
      placed.set(e.dst, dev);
      routes.push({ dst: e.dst, dev });
    }
  }
  return { routes, unknownMacs, conflicts };
}

function byRoute(a: LocalRoute, b: LocalRoute): number {
  return a.dev === b.dev ? compareDst(a.dst, b.dst) : a.dev < b.dev ? -1 : 1;
}

/** Numeric order of CIDR destinations, so plans read naturally (10.0.0.2 before 10.0.0.10). */
function compareDst(a: string, b: string): number {
  const num = (d: string): number[] => d.split(/[./]/).map(Number);
  const x = num(a);
  const y = num(b);
  for (let i = 0; i < 5; i += 1) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Deletes every route of ours that is not wanted where it is (including routes on interfaces
 * that left metadata), then adds what is missing. Deletes come first so a destination moving to
 * another interface is free when it is added there.
 */
export function planRoutes(desired: ForwardingDesired, observed: ForwardingObserved): RouteAction[] {
  const want = new Map<string, LocalRoute>();
  for (const r of bindRoutes(desired, observed.interfaces).routes) want.set(routeKey(r), r);
  const have = new Map<string, LocalRoute>();
  for (const r of observed.routes) have.set(routeKey(r), r);
  const deletes = [...have.entries()].filter(([k]) => !want.has(k)).map(([, r]) => r).sort(byRoute);
  const adds = [...want.entries()].filter(([k]) => !have.has(k)).map(([, r]) => r).sort(byRoute);
  const proto = desired.proto;
  return [
    ...deletes.map((r): RouteAction => ({ kind: 'delete-route', dst: r.dst, dev: r.dev, proto })),
    ...adds.map((r): RouteAction => ({ kind: 'add-route', dst: r.dst, dev: r.dev, proto })),
  ];
}

/** One line each for rejected entries, unknown MACs, NICs without a MAC and conflicts. */
export function forwardingDiagnostics(desired: ForwardingDesired, observed: ForwardingObserved): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of desired.rejected) {
    out.push({
      key: `invalid:${r.mac ?? '-'}:${r.source}:${r.value}`,
      level: 'warn',
      message: `ignored ${r.source} ${JSON.stringify(r.value)} on NIC ${r.mac ?? '(no MAC)'}: ${r.reason}`,
    });
  }
  for (const index of desired.nicsWithoutMac) {
    out.push({ key: `no-mac:${index}`, level: 'warn', message: `network interface ${index} in metadata has no MAC; its routes are skipped` });
  }
  const bound = bindRoutes(desired, observed.interfaces);
  for (const mac of bound.unknownMacs) {
    out.push({ key: `unknown-mac:${mac}`, level: 'warn', message: `no interface has MAC ${mac}; its routes wait until one appears` });
  }
  for (const c of bound.conflicts) {
    out.push({
      key: `conflict:${c.dst}:${c.dev}`,
      level: 'warn',
      message: `ignored ${c.dst} on ${c.dev}: metadata also lists it for ${c.keptOn}, which keeps it`,
    });
  }
  return out;
}
