/**
 * Horizontal grouped bar charts as standalone SVG text, for the benchmark report: one group per
 * category, one bar per series, value labels, a linear or log10 axis, a caption saying how the
 * figure was measured. Pure; no third-party chart code. Missing values (NaN) draw no bar and are
 * labelled "n/a".
 */

export interface BarChart {
  readonly title: string;
  readonly unit: string;
  readonly categories: readonly string[];
  readonly series: readonly { readonly name: string; readonly values: readonly number[] }[];
  readonly log?: boolean;
  readonly caption: string;
}

const COLORS = ['#1a73e8', '#e8710a', '#188038', '#9334e6'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Formats a value for a label: 3 significant digits, no exponent. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 100) return String(Math.round(v));
  if (a >= 10) return v.toFixed(1).replace(/\.0$/, '');
  return v.toFixed(2).replace(/\.?0+$/, '');
}

/** Scale from a value to a bar length in [0, width]. */
export function scaleFor(values: readonly number[], width: number, log: boolean): (v: number) => number {
  const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  const max = finite.length ? Math.max(...finite) : 1;
  if (!log) return (v) => (max > 0 ? Math.max(0, (v / max) * width) : 0);
  const min = finite.length ? Math.min(...finite) : 1;
  const lo = Math.floor(Math.log10(min)) - 0;
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(max)));
  return (v) => (v > 0 ? Math.max(2, ((Math.log10(v) - lo) / (hi - lo)) * width) : 0);
}

function wrap(text: string, chars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > chars) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export function renderBarChart(c: BarChart): string {
  const labelW = Math.max(120, 20 + 7.2 * Math.max(...c.categories.map((x) => x.length)));
  const barArea = 420;
  const valueW = 80;
  const width = labelW + barArea + valueW;
  const barH = 14;
  const groupGap = 10;
  const top = 48;
  const groupH = c.series.length * barH + groupGap;
  const captionLines = wrap(c.caption, 110);
  const height = top + c.categories.length * groupH + 20 + captionLines.length * 14 + 10;
  const scale = scaleFor(c.series.flatMap((s) => s.values), barArea, c.log === true);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="8" y="18" font-size="14" font-weight="bold">${esc(c.title)} (${esc(c.unit)}${c.log ? ', log scale' : ''})</text>`,
  ];
  c.series.forEach((s, i) => {
    const x = labelW + i * 160;
    parts.push(`<rect x="${x}" y="28" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/>`, `<text x="${x + 14}" y="37">${esc(s.name)}</text>`);
  });
  c.categories.forEach((cat, g) => {
    const y0 = top + g * groupH;
    parts.push(`<text x="${labelW - 6}" y="${y0 + (c.series.length * barH) / 2 + 4}" text-anchor="end">${esc(cat)}</text>`);
    c.series.forEach((s, i) => {
      const v = s.values[g] ?? NaN;
      const y = y0 + i * barH;
      const w = Number.isFinite(v) ? scale(v) : 0;
      parts.push(`<rect class="bar" x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${COLORS[i % COLORS.length]}"/>`);
      parts.push(`<text x="${labelW + w + 4}" y="${y + barH - 4}" font-size="11">${esc(formatValue(v))}</text>`);
    });
  });
  const capY = top + c.categories.length * groupH + 16;
  captionLines.forEach((l, i) => parts.push(`<text x="8" y="${capY + i * 14}" font-size="11" fill="#444444">${esc(l)}</text>`));
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
