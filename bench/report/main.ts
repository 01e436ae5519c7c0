/**
 * Writes bench/REPORT.md, bench/figures/*.svg and the README's headline table (only between the
 * `<!-- bench:headline -->` markers) from one results file. Usage: main.mjs bench/results/<date>.json
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withHeadline } from './readme.js';
import { render, type ResultsFile } from './render.js';

function main(): void {
  const file = process.argv[2];
  if (!file) throw new Error('usage: main.mjs bench/results/<date>.json');
  const results = JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;
  const out = render(results);
  mkdirSync('bench/figures', { recursive: true });
  for (const [name, svg] of Object.entries(out.figures)) writeFileSync(join('bench/figures', name), svg);
  writeFileSync('bench/REPORT.md', out.report);
  const readme = readFileSync('README.md', 'utf8');
  const updated = withHeadline(readme, out.headline, `\`make bench\`, ${results.date}`);
  if (updated !== readme) writeFileSync('README.md', updated);
  process.stdout.write(`wrote bench/REPORT.md and ${Object.keys(out.figures).length} figures${updated !== readme ? '; updated the README headline' : ''}\n`);
}

main();
