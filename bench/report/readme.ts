/**
 * The README's headline table lives between two markers; only that span is ever rewritten. Pure.
 */

const START = '<!-- bench:headline -->';
const END = '<!-- /bench:headline -->';

/** Replaces the text between the markers; returns the README unchanged when they are missing. */
export function withHeadline(readme: string, table: string, source: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) return readme;
  return `${readme.slice(0, a + START.length)}\n${table}\n\n(${source}; details in [bench/REPORT.md](bench/REPORT.md).)\n${readme.slice(b)}`;
}
