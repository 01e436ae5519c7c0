/**
 * Small readers for init files in tests: systemd unit files (sections of repeated keys), upstart
 * job stanzas and LSB init-info headers. Pure text parsing; no file system access.
 */

/** section → key → every value assigned, in order. */
export type UnitFile = Map<string, Map<string, string[]>>;

/** Parses a systemd unit file (comments and blank lines ignored, no line continuations). */
export function parseUnit(text: string): UnitFile {
  const unit: UnitFile = new Map();
  let section: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head?.[1]) {
      section = new Map();
      unit.set(head[1], section);
      continue;
    }
    const eq = line.indexOf('=');
    if (!section || eq < 1) throw new Error(`unit line outside a section or without '=': ${line}`);
    const key = line.slice(0, eq);
    section.set(key, [...(section.get(key) ?? []), line.slice(eq + 1)]);
  }
  return unit;
}

/** The single value of section/key, or undefined. Throws when the key is repeated. */
export function unitValue(unit: UnitFile, section: string, key: string): string | undefined {
  const values = unit.get(section)?.get(key);
  if (values === undefined) return undefined;
  if (values.length !== 1) throw new Error(`${section}/${key} is set ${values.length} times`);
  return values[0];
}

/** The stanzas of an upstart job: first word → rest of the line (comments dropped). */
export function parseUpstart(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(start on|stop on|\S+)\s*(.*)$/.exec(line);
    if (!m?.[1]) continue;
    out.set(m[1], [...(out.get(m[1]) ?? []), m[2] ?? '']);
  }
  return out;
}

/** The LSB init-info block: keyword → value (trimmed); throws when the block is missing. */
export function parseLsbHeader(text: string): Map<string, string> {
  const begin = text.indexOf('### BEGIN INIT INFO');
  const end = text.indexOf('### END INIT INFO');
  if (begin < 0 || end < begin) throw new Error('no LSB init-info block');
  const out = new Map<string, string>();
  for (const line of text.slice(begin, end).split('\n').slice(1)) {
    const m = /^#\s*([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (m?.[1]) out.set(m[1], (m[2] ?? '').trim());
  }
  return out;
}

/** Splits a whitespace-separated header value into words ('' → []). */
export function words(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter((w) => w !== '');
}
