/**
 * Enforces design.md §5: only ts/os touches the machine. Scans every ts/**.ts file for static
 * imports, re-exports, dynamic import() and require() of restricted modules. Type-only imports
 * are allowed anywhere (they vanish at compile time and cannot touch anything). ts/os, the
 * effect layer, may also use http; elsewhere only the metadata client and the emulator may.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface Rule {
  /** Module names, without the `node:` prefix; subpaths (`fs/promises`) match their base. */
  readonly modules: readonly string[];
  /** Repository-relative files or folders (ending in `/`) allowed to import them. */
  readonly allowed: readonly string[];
}

const RULES: readonly Rule[] = [
  { modules: ['execa', 'syslog-client', 'proper-lockfile'], allowed: ['ts/os/'] },
  // The demo is a development tool (not packaged) that sets up a namespace and a temp root.
  { modules: ['child_process'], allowed: ['ts/os/', 'ts/demo/'] },
  { modules: ['fs'], allowed: ['ts/os/', 'ts/emulator/', 'ts/bin/gce_metadata_emulator.ts', 'ts/demo/'] },
  {
    modules: ['http', 'https'],
    allowed: ['ts/os/', 'ts/metadata/client.ts', 'ts/emulator/', 'ts/bin/gce_metadata_emulator.ts'],
  },
];

interface Specifier {
  readonly module: string;
  readonly typeOnly: boolean;
  readonly line: number;
}

/** Every module specifier a source file loads, with whether the import is type-only. */
export function specifiers(source: string): Specifier[] {
  const found: Specifier[] = [];
  const patterns: [RegExp, (m: RegExpExecArray) => boolean][] = [
    // import x from 'm'; import type {…} from 'm'; export {…} from 'm'; export * from 'm' (multi-line too)
    [/\b(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/g, (m) => Boolean(m[2])],
    [/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, () => false],
    [/\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g, () => false],
  ];
  for (const [re, isType] of patterns) {
    for (let m = re.exec(source); m; m = re.exec(source)) {
      const module = m[3] ?? m[1] ?? '';
      const line = source.slice(0, m.index).split('\n').length;
      found.push({ module, typeOnly: isType(m), line });
    }
  }
  return found;
}

/** `node:fs/promises` → `fs`; `@scope/pkg/x` → `@scope/pkg`; `execa` → `execa`. */
export function baseModule(spec: string): string {
  const bare = spec.replace(/^node:/, '');
  const parts = bare.split('/');
  return bare.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? bare);
}

/** Violations in one file (`file` repository-relative). */
export function violations(file: string, source: string): string[] {
  const out: string[] = [];
  for (const spec of specifiers(source)) {
    if (spec.typeOnly) continue;
    const base = baseModule(spec.module);
    for (const rule of RULES) {
      if (!rule.modules.includes(base)) continue;
      const ok = rule.allowed.some((a) => (a.endsWith('/') ? file.startsWith(a) : file === a));
      if (!ok) out.push(`${file}:${spec.line} imports ${spec.module}`);
    }
  }
  return out;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(p));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

describe('import boundaries', () => {
  it('the scanner finds every form of import', () => {
    const src = [
      "import { execa } from 'execa';",
      "import fs from 'node:fs/promises';",
      "import {\n  spawn,\n} from 'child_process';",
      "export { x } from 'node:fs';",
      "import type { Stats } from 'node:fs';",
      "const m = await import('node:http');",
      "const s = require('syslog-client');",
      "import './side-effect.js';",
    ].join('\n');
    expect(specifiers(src).map((s) => [s.module, s.typeOnly])).toEqual([
      ['execa', false],
      ['node:fs/promises', false],
      ['child_process', false],
      ['node:fs', false],
      ['node:fs', true],
      ['./side-effect.js', false],
      ['node:http', false],
      ['syslog-client', false],
    ]);
    expect(violations('ts/features/accounts/apply.ts', src)).toEqual([
      'ts/features/accounts/apply.ts:1 imports execa',
      'ts/features/accounts/apply.ts:2 imports node:fs/promises',
      'ts/features/accounts/apply.ts:3 imports child_process',
      'ts/features/accounts/apply.ts:6 imports node:fs',
      'ts/features/accounts/apply.ts:8 imports node:http',
      'ts/features/accounts/apply.ts:9 imports syslog-client',
    ]);
  });

  it('applies the exceptions: emulator and its CLI may use fs and http, the metadata client http, ts/bin nothing else', () => {
    expect(violations('ts/os/exec.ts', "import { execa } from 'execa';")).toEqual([]);
    expect(violations('ts/emulator/server.ts', "import http from 'node:http';\nimport fs from 'node:fs';")).toEqual([]);
    expect(violations('ts/bin/gce_metadata_emulator.ts', "import { readFile } from 'node:fs/promises';")).toEqual([]);
    expect(violations('ts/metadata/client.ts', "import http from 'node:http';")).toEqual([]);
    expect(violations('ts/metadata/client.ts', "import fs from 'node:fs';")).toHaveLength(1);
    expect(violations('ts/bin/google_guest_daemon.ts', "import fs from 'node:fs';")).toHaveLength(1);
    expect(violations('ts/emulator/server.ts', "import { execa } from 'execa';")).toHaveLength(1);
    expect(violations('ts/core/daemon.ts', "import http from 'node:http';")).toHaveLength(1);
    expect(violations('ts/os/http-download.ts', "import https from 'node:https';")).toEqual([]);
  });

  it('only ts/os touches the machine (execa, fs, child_process, syslog-client, proper-lockfile; http for metadata)', () => {
    const root = path.resolve('ts');
    const found: string[] = [];
    const files = tsFiles(root);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const rel = path.relative(path.dirname(root), file).split(path.sep).join('/');
      found.push(...violations(rel, readFileSync(file, 'utf8')));
    }
    expect(found).toEqual([]);
  });
});
