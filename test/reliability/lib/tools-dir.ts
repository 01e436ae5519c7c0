/**
 * A private PATH directory for OS-fault scenarios: symlinks to every executable of the system
 * directories, minus the ones a scenario removes (`ip`) or replaces with a stub (a `useradd` that
 * fails or hangs while a flag file exists, then runs the real one). Lives in a temp directory.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Resolves `name` in the system directories. */
export function systemTool(name: string): string | undefined {
  return SYSTEM_DIRS.map((d) => join(d, name)).find((p) => existsSync(p));
}

export interface ToolsDir {
  readonly path: string;
  /** Removes a tool from the directory. */
  hide(name: string): void;
  /** Puts the system's tool back. */
  restore(name: string): void;
  /** Replaces `name` by a stub that runs `whileFlag` (shell) while `flag` exists, else the real tool. */
  stub(name: string, flag: string, whileFlag: string): void;
}

/** Creates `<dir>/tools` linking every system executable. */
export function createToolsDir(dir: string): ToolsDir {
  const path = join(dir, 'tools');
  mkdirSync(path, { recursive: true });
  for (const d of [...SYSTEM_DIRS].reverse()) {
    if (!existsSync(d)) continue;
    for (const n of readdirSync(d)) {
      const target = join(d, n);
      try {
        if (!statSync(target).isFile()) continue;
      } catch {
        continue;
      }
      rmSync(join(path, n), { force: true });
      symlinkSync(target, join(path, n));
    }
  }
  return {
    path,
    hide: (name) => rmSync(join(path, name), { force: true }),
    restore(name) {
      rmSync(join(path, name), { force: true });
      const real = systemTool(name);
      if (real) symlinkSync(real, join(path, name));
    },
    stub(name, flag, whileFlag) {
      const real = systemTool(name);
      rmSync(join(path, name), { force: true });
      writeFileSync(join(path, name), `#!/bin/sh\nif [ -e '${flag}' ]; then\n  ${whileFlag}\nfi\nexec '${real}' "$@"\n`);
      chmodSync(join(path, name), 0o755);
    },
  };
}
