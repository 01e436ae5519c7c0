/**
 * The 2016 `ConfigManager` API (`GetOptionString`, `GetOptionBool`, `SetOption`, `WriteConfig`)
 * as a thin class over one parsed document, for code ported from the seed. Pure: it holds text
 * and returns text; reading and writing files (through the injected fs and lock) is the caller's.
 * Unlike 2016, a missing boolean is its documented default, never "true because missing".
 */
import { formatIni } from './format.js';
import { resolveConfig, type TypedConfig } from './instance-config.js';
import { cloneIni, iniValue, parseIni, type IniDocument, type ReadonlyIniDocument } from './parse.js';
import { CONFIG_PATH } from './paths.js';
import { defaultText, defaultValue, findOption } from './schema.js';
import { parseBool } from './values.js';

// Header lines are wrapped like the 2016 writer's textwrap, so long sentences stay readable.
const HEADER_WIDTH = 76;

/** Splits `text` into lines of at most `HEADER_WIDTH` characters at spaces (a longer word stays whole). */
function wrap(text: string): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      if (line !== '' && line.length + 1 + word.length > HEADER_WIDTH) {
        lines.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    lines.push(line);
  }
  return lines;
}

/** One configuration file's options, read and changed the way the 2016 code did. */
export class ConfigManager {
  private readonly doc: IniDocument;
  /** The file name used in warnings. */
  readonly source: string;
  /** Problems met while parsing the text this manager was built from. */
  readonly warnings: readonly string[];

  /** Wraps a parsed document (copied, so the caller's stays untouched). */
  constructor(doc: ReadonlyIniDocument = new Map(), source = CONFIG_PATH, warnings: readonly string[] = []) {
    this.doc = cloneIni(doc);
    this.source = source;
    this.warnings = warnings;
  }

  /** Parses `text` (a whole cfg file); parse problems end up in `warnings`. */
  static fromText(text: string, source = CONFIG_PATH): ConfigManager {
    const parsed = parseIni(text, source);
    return new ConfigManager(parsed.doc, source, parsed.warnings);
  }

  /** The value as written, else the documented default of a known option, else undefined. */
  getOptionString(section: string, option: string): string | undefined {
    const value = iniValue(this.doc, section, option);
    if (value !== undefined) return value;
    const spec = findOption(section, option);
    return spec ? defaultText(spec) : undefined;
  }

  /**
   * The value as a ConfigParser boolean. Absent or invalid → the documented default of a known
   * boolean option, else false: a missing option never reads as true.
   */
  getOptionBool(section: string, option: string): boolean {
    const value = iniValue(this.doc, section, option);
    const parsed = value === undefined ? undefined : parseBool(value);
    if (parsed !== undefined) return parsed;
    const spec = findOption(section, option);
    return spec?.kind === 'bool' ? defaultValue(spec) === true : false;
  }

  /** Sets an option (name lower-cased, value trimmed); with `overwrite` false an existing value stays. */
  setOption(section: string, option: string, value: string | number | boolean, overwrite = true): void {
    const name = option.toLowerCase();
    const options = this.doc.get(section) ?? new Map<string, string>();
    this.doc.set(section, options);
    if (!overwrite && options.has(name)) return;
    options.set(name, String(value).trim());
  }

  /** The file text: `header` (wrapped, `# `-prefixed) then sorted sections and options. */
  writeConfig(header?: string | readonly string[]): string {
    const lines = header === undefined ? [] : typeof header === 'string' ? wrap(header) : header;
    return formatIni(this.doc, lines);
  }

  /** The options typed over the built-in defaults, with every warning (unknown keys, bad values). */
  typed(): TypedConfig {
    const resolved = resolveConfig([{ role: 'cfg', source: this.source, doc: this.doc }]);
    return { config: resolved.config, warnings: [...this.warnings, ...resolved.warnings] };
  }

  /** A read-only copy of the current options. */
  toDocument(): ReadonlyIniDocument {
    return cloneIni(this.doc);
  }
}
