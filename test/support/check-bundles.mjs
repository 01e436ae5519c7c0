#!/usr/bin/env node
// Fails when a bundle in the given directory still requires something other than a Node
// built-in (a package must never need a node_modules tree; design.md §9.2).
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const dir = process.argv[2];
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
let bad = 0;
for (const f of readdirSync(dir).filter((n) => n.endsWith('.mjs'))) {
  const text = readFileSync(join(dir, f), 'utf8');
  for (const m of text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
    if (!builtins.has(m[1])) { console.error(`${f}: requires non-built-in module ${m[1]}`); bad += 1; }
  }
  for (const m of text.matchAll(/^\s*import\s[^'"]*from\s*["']([^"']+)["']/gm)) {
    if (!builtins.has(m[1])) { console.error(`${f}: imports non-built-in module ${m[1]}`); bad += 1; }
  }
}
process.exit(bad ? 1 : 0);
