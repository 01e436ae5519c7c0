/**
 * The typed view of the recursive metadata document that daemons consume. `parseSnapshot` is
 * pure and total: wrong types are dropped (and reported in `problems`), never thrown, so bad
 * metadata can never take a daemon down. Big ids arrive as strings from `json.ts`.
 */

export interface NetworkInterfaceSnapshot {
  /** Lower-cased MAC, or undefined when absent or not a string. */
  readonly mac: string | undefined;
  readonly ip: string | undefined;
  readonly forwardedIps: readonly string[];
  readonly ipAliases: readonly string[];
  readonly targetInstanceIps: readonly string[];
}

export interface InstanceSnapshot {
  /** Decimal string; never a JS number (ids exceed 2^53). */
  readonly id: string | undefined;
  readonly name: string | undefined;
  readonly hostname: string | undefined;
  readonly machineType: string | undefined;
  readonly zone: string | undefined;
  readonly attributes: Readonly<Record<string, string>>;
  readonly networkInterfaces: readonly NetworkInterfaceSnapshot[];
  /** `virtualClock.driftToken` (or `drift-token`), normalised to a string. */
  readonly driftToken: string | undefined;
}

export interface ProjectSnapshot {
  readonly projectId: string | undefined;
  /** Decimal string. */
  readonly numericProjectId: string | undefined;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface MetadataSnapshot {
  readonly instance: InstanceSnapshot;
  readonly project: ProjectSnapshot;
  /** ETag of the response this snapshot came from ('' for hand-built snapshots). */
  readonly etag: string;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return v.toString();
  return undefined;
}

function stringList(v: unknown, where: string, problems: string[]): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    // A newline-separated list leaf (target-instance-ips as text) is accepted too.
    if (typeof v === 'string') return v.split('\n').map((s) => s.trim()).filter((s) => s !== '');
    problems.push(`${where}: expected a list`);
    return [];
  }
  const out: string[] = [];
  for (const item of v) {
    const s = scalar(item);
    if (s === undefined) problems.push(`${where}: ignored a non-string entry`);
    else out.push(s);
  }
  return out;
}

function attributes(v: unknown, where: string, problems: string[]): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) {
    problems.push(`${where}: expected an object`);
    return {};
  }
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, val] of Object.entries(v)) {
    const s = scalar(val);
    if (s === undefined) problems.push(`${where}.${k}: ignored a non-string value`);
    else out[k] = s;
  }
  return out;
}

function nic(v: unknown, index: number, problems: string[]): NetworkInterfaceSnapshot | undefined {
  const where = `instance.networkInterfaces[${index}]`;
  if (!isObj(v)) {
    problems.push(`${where}: expected an object`);
    return undefined;
  }
  const mac = scalar(v['mac']);
  return {
    mac: mac === undefined ? undefined : mac.trim().toLowerCase(),
    ip: scalar(v['ip']),
    forwardedIps: stringList(v['forwardedIps'] ?? v['forwarded-ips'], `${where}.forwardedIps`, problems),
    ipAliases: stringList(v['ipAliases'] ?? v['ip-aliases'], `${where}.ipAliases`, problems),
    targetInstanceIps: stringList(
      v['targetInstanceIps'] ?? v['target-instance-ips'],
      `${where}.targetInstanceIps`,
      problems,
    ),
  };
}

/** Builds a snapshot from parsed recursive JSON; `problems` collects what was ignored. */
export function parseSnapshot(json: unknown, etag = '', problems: string[] = []): MetadataSnapshot {
  const root = isObj(json) ? json : {};
  if (!isObj(json)) problems.push('metadata root: expected an object');
  const inst = isObj(root['instance']) ? root['instance'] : {};
  const proj = isObj(root['project']) ? root['project'] : {};
  const nicsRaw = inst['networkInterfaces'];
  const nics: NetworkInterfaceSnapshot[] = [];
  if (Array.isArray(nicsRaw)) {
    nicsRaw.forEach((n, i) => {
      const parsed = nic(n, i, problems);
      if (parsed) nics.push(parsed);
    });
  } else if (nicsRaw !== undefined) {
    problems.push('instance.networkInterfaces: expected a list');
  }
  const clock = isObj(inst['virtualClock']) ? inst['virtualClock'] : {};
  const drift = scalar(clock['driftToken'] ?? clock['drift-token']);
  return {
    etag,
    instance: {
      id: scalar(inst['id'])?.trim(),
      name: scalar(inst['name']),
      hostname: scalar(inst['hostname']),
      machineType: scalar(inst['machineType']),
      zone: scalar(inst['zone']),
      attributes: attributes(inst['attributes'], 'instance.attributes', problems),
      networkInterfaces: nics,
      driftToken: drift,
    },
    project: {
      projectId: scalar(proj['projectId'])?.trim(),
      numericProjectId: scalar(proj['numericProjectId'])?.trim(),
      attributes: attributes(proj['attributes'], 'project.attributes', problems),
    },
  };
}

/** An empty snapshot (no metadata read), for planners that must run without metadata. */
export function emptySnapshot(): MetadataSnapshot {
  return parseSnapshot({});
}

const TRUE_WORDS = new Set(['true', 't', '1', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['false', 'f', '0', 'no', 'n', 'off', '']);

/**
 * A metadata boolean (metadata-server.md §3.1): trimmed, case-insensitive; undefined when the
 * value is absent or not a recognised spelling (the caller then uses the key's default).
 */
export function metadataBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (TRUE_WORDS.has(v)) return true;
  if (FALSE_WORDS.has(v)) return false;
  return undefined;
}
