/**
 * Local routes in the kernel's `local` table, as the IP forwarding feature manages them: the fixed
 * argv of `ip route show/add/delete` and the parser of `ip route show` output. It owns the exact
 * spelling of those commands; it must not decide which routes should exist, and it only ever
 * lists, adds or deletes routes of the one protocol id it is given.
 */
import type { Runner } from './types.js';

/** One route of ours: destination in CIDR form (`10.1.2.3/32`, `192.0.2.0/24`) and device. */
export interface LocalRoute {
  readonly dst: string;
  readonly dev: string;
}

/** What `parseRouteList` found: our routes, and lines it could not read. */
export interface RouteListing {
  readonly routes: LocalRoute[];
  readonly unparsed: string[];
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

/**
 * The CIDR form of an IPv4 destination as `ip` prints it (`10.1.2.3` → `10.1.2.3/32`), or
 * undefined when it is not one (IPv6, `default`, garbage).
 */
export function cidrOf(text: string): string | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  const octets = [m[1], m[2], m[3], m[4]].map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  const prefix = m[5] === undefined ? 32 : Number(m[5]);
  if (prefix > 32) return undefined;
  return `${octets.join('.')}/${prefix}`;
}

/** The key of a route in sets and maps: `<dst> <dev>`. */
export function routeKey(route: LocalRoute): string {
  return `${route.dst} ${route.dev}`;
}

/** `ip route show table local type local scope host proto <id>`: every route of ours. */
export function listRoutesArgv(proto: number): string[] {
  return ['ip', 'route', 'show', 'table', 'local', 'type', 'local', 'scope', 'host', 'proto', String(proto)];
}

/** `ip route add to local <dst> scope host dev <if> proto <id>`. */
export function addRouteArgv(route: LocalRoute, proto: number): string[] {
  return ['ip', 'route', 'add', 'to', 'local', route.dst, 'scope', 'host', 'dev', route.dev, 'proto', String(proto)];
}

/** `ip route delete to local <dst> scope host dev <if> proto <id>`. */
export function deleteRouteArgv(route: LocalRoute, proto: number): string[] {
  return ['ip', 'route', 'delete', 'to', 'local', route.dst, 'scope', 'host', 'dev', route.dev, 'proto', String(proto)];
}

/**
 * Reads the output of `listRoutesArgv(proto)`. iproute2 leaves filtered fields out (`local
 * 10.1.2.3 dev eth0`), older versions print them; an optional leading `local ` is skipped, and a
 * line naming another `proto` or `table` is never taken as ours. IPv6 or unreadable lines are
 * returned in `unparsed`, never guessed at.
 */
export function parseRouteList(stdout: string, proto: number): RouteListing {
  const routes: LocalRoute[] = [];
  const unparsed: string[] = [];
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const tokens = line.split(/\s+/);
    if (tokens[0] === 'local') tokens.shift();
    const dst = cidrOf(tokens[0] ?? '');
    const fields = routeFields(tokens.slice(1));
    const dev = fields.get('dev');
    if (dst === undefined || dev === undefined) {
      unparsed.push(line);
      continue;
    }
    const p = fields.get('proto');
    const table = fields.get('table');
    if ((p !== undefined && p !== String(proto)) || (table !== undefined && table !== 'local')) continue;
    routes.push({ dst, dev });
  }
  return { routes, unparsed };
}

/**
 * The fields of a route line after its destination (`dev eth0 proto 66 scope host linkdown`).
 * Only keys known to carry a value take the next token, so stand-alone flags (`linkdown`,
 * `onlink`, `dead`) anywhere in the line cannot shift the reading of `dev` or `proto`.
 */
export function routeFields(tokens: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < tokens.length; i += 1) {
    const k = tokens[i];
    const v = tokens[i + 1];
    if (k === undefined || !VALUED_KEYS.has(k) || v === undefined) continue;
    if (!out.has(k)) out.set(k, v);
    i += 1;
  }
  return out;
}

const VALUED_KEYS = new Set(['dev', 'proto', 'scope', 'table', 'src', 'metric', 'via', 'mtu', 'pref', 'tos', 'realms', 'nhid', 'expires', 'error']);

/** Lists our routes through the runner; rejects with CommandError when `ip` fails. */
export async function listLocalRoutes(runner: Runner, proto: number, signal?: AbortSignal): Promise<RouteListing> {
  const r = await runner.check(listRoutesArgv(proto), { signal, timeoutMs: 30_000 });
  return parseRouteList(r.stdout, proto);
}

/** Adds one route; rejects with CommandError (exit status, `RTNETLINK answers: …`) on failure. */
export async function addLocalRoute(runner: Runner, route: LocalRoute, proto: number, signal?: AbortSignal): Promise<void> {
  await runner.check(addRouteArgv(route, proto), { signal, timeoutMs: 30_000 });
}

/** Deletes one route of ours; rejects with CommandError on failure. */
export async function deleteLocalRoute(runner: Runner, route: LocalRoute, proto: number, signal?: AbortSignal): Promise<void> {
  await runner.check(deleteRouteArgv(route, proto), { signal, timeoutMs: 30_000 });
}
