/**
 * Writes an `IniDocument` as ConfigParser-readable text: an optional `# ` comment header, then
 * sections and options sorted, `option = value` with the value exactly as held (never
 * re-serialised from a typed value). Pure; it must not decide which values go in.
 */
import type { ReadonlyIniDocument } from './parse.js';

/** Plain code-unit order, the order Python's `sorted` gives the 2016 generator. */
function byCodeUnit(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** One `option = value` line; continuation lines are indented so a re-read joins them again. */
function optionLine(name: string, value: string): string {
  if (value === '') return `${name} =`;
  return `${name} = ${value.split('\n').join('\n\t')}`;
}

/**
 * Formats `doc` with each header line prefixed by `# `, a blank line after the header and
 * between sections, and exactly one trailing newline. Empty sections are kept (a user wrote them).
 */
export function formatIni(doc: ReadonlyIniDocument, header: readonly string[] = []): string {
  const blocks: string[] = [];
  if (header.length > 0) blocks.push(header.map((line) => (line === '' ? '#' : `# ${line}`)).join('\n'));
  const sections = [...doc.keys()].sort(byCodeUnit);
  for (const name of sections) {
    const options = doc.get(name) ?? new Map<string, string>();
    const lines = [`[${name}]`];
    for (const option of [...options.keys()].sort(byCodeUnit)) {
      lines.push(optionLine(option, options.get(option) ?? ''));
    }
    blocks.push(lines.join('\n'));
  }
  return blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`;
}
