/**
 * ConfigParser-compatible INI parsing (behaviour spec §2.4): text in, sections of raw option text
 * out, plus every problem found as a warning. Owns the line grammar only; it must not type values,
 * read files or log. A dedicated parser instead of `ini@5` because `ini` strips `;`/`#` inside
 * values, unquotes quoted values, converts bare `true`/`false`/`null`, nests dotted section
 * names, treats `key[]` as arrays and knows no `:` delimiter — all wrong for ConfigParser files.
 */

/** Options of one section: lower-cased option name → trimmed raw value text. */
export type IniSection = Map<string, string>;

/** Sections in first-appearance order; section names are case-sensitive, as in ConfigParser. */
export type IniDocument = Map<string, IniSection>;

/** Read-only view of an `IniDocument`. */
export type ReadonlyIniDocument = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** A parsed layer and everything that was skipped or looked wrong in it. */
export interface ParsedIni {
  readonly doc: IniDocument;
  readonly warnings: string[];
}

// Full-line comment prefixes; ConfigParser checks them on the stripped line.
const COMMENT_PREFIXES = ['#', ';'];
// Greedy like ConfigParser's SECTCRE: `[a]b]` names section `a]b`, text after the last `]` is ignored.
const SECTION_HEADER = /^\[(.+)\]/;

/** Number of leading whitespace characters, used for continuation lines. */
function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Index of the first `=` or `:` (ConfigParser splits at whichever comes first), or -1. */
function delimiterIndex(text: string): number {
  const eq = text.indexOf('=');
  const colon = text.indexOf(':');
  if (eq === -1) return colon;
  if (colon === -1) return eq;
  return Math.min(eq, colon);
}

/**
 * Parses INI text the way Python's ConfigParser reads `instance_configs.cfg`: full-line `#`/`;`
 * comments only (a value keeps any `#` or `;`), `=` or `:` delimiters, option names lower-cased,
 * keys and values trimmed, indented lines continuing the previous value. Bad lines are skipped
 * with a warning naming `source` and the line number; nothing throws.
 */
export function parseIni(text: string, source: string): ParsedIni {
  const doc: IniDocument = new Map();
  const warnings: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  let section: IniSection | undefined;
  let sectionName = '';
  // The option a more-indented line continues, and the indentation of its own line.
  let current: { name: string; indent: number } | undefined;

  lines.forEach((line, index) => {
    const where = `${source}:${index + 1}`;
    const stripped = line.trim();
    if (stripped === '') {
      current = undefined;
      return;
    }
    if (COMMENT_PREFIXES.some((p) => stripped.startsWith(p))) return;
    const indent = indentOf(line);
    if (section && current && indent > current.indent) {
      section.set(current.name, `${section.get(current.name) ?? ''}\n${stripped}`);
      return;
    }
    current = undefined;
    const header = SECTION_HEADER.exec(stripped);
    if (header?.[1] !== undefined) {
      sectionName = header[1];
      const existing = doc.get(sectionName);
      if (existing) warnings.push(`${where}: section [${sectionName}] appears more than once; its options are merged`);
      section = existing ?? new Map<string, string>();
      doc.set(sectionName, section);
      return;
    }
    if (!section) {
      warnings.push(`${where}: ignored ${JSON.stringify(stripped)}: no [section] header before it`);
      return;
    }
    const at = delimiterIndex(stripped);
    if (at === -1) {
      warnings.push(`${where}: ignored ${JSON.stringify(stripped)} in [${sectionName}]: expected "option = value"`);
      return;
    }
    const name = stripped.slice(0, at).trim().toLowerCase();
    if (name === '') {
      warnings.push(`${where}: ignored ${JSON.stringify(stripped)} in [${sectionName}]: no option name`);
      return;
    }
    if (section.has(name)) {
      warnings.push(`${where}: option ${name} appears more than once in [${sectionName}]; the last value is used`);
    }
    section.set(name, stripped.slice(at + 1).trim());
    current = { name, indent };
  });
  return { doc, warnings };
}

/** Value of `section`/`option` (option matched case-insensitively), or undefined. */
export function iniValue(doc: ReadonlyIniDocument, section: string, option: string): string | undefined {
  return doc.get(section)?.get(option.toLowerCase());
}

/** A deep copy, so callers can change a document without touching the one they were given. */
export function cloneIni(doc: ReadonlyIniDocument): IniDocument {
  const out: IniDocument = new Map();
  for (const [name, options] of doc) out.set(name, new Map(options));
  return out;
}
