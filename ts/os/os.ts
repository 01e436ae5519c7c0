/**
 * `createOs`: the one place the Os bundle is assembled for a machine root (`/` in production, a
 * temp directory in tests and the demo). It wires the runner, rooted file layer, locks and
 * system facts together; it must not hold module-level state or pick the root itself (ts/bin does).
 */
import path from 'node:path';
import type { Logger } from '../core/logger.js';
import { createRunner } from './exec.js';
import { createLocks } from './lock.js';
import { createRootedFs } from './rooted-fs.js';
import { createSysInfo } from './sysinfo.js';
import type { Os, Runner } from './types.js';

/** Options of `createOs`. */
export interface OsOptions {
  /** Machine root (default `/`). */
  readonly root?: string;
  readonly log: Logger;
  /** Shared runner (pass the one the syslog sink uses so every spawn is counted); default: a new one. */
  readonly runner?: Runner;
  /** Clock (tests pin it). */
  readonly now?: () => Date;
  /** Aborts commands started by a default runner (the daemon's shutdown signal). */
  readonly signal?: AbortSignal;
}

/** Builds the Os bundle for a machine root. */
export function createOs(options: OsOptions): Os {
  const root = path.resolve(options.root ?? '/');
  const log = options.log;
  const exec = options.runner ?? createRunner({ log, signal: options.signal });
  const fs = createRootedFs(root, { log, runner: exec });
  return {
    root,
    sandboxed: root !== '/',
    fs,
    exec,
    locks: createLocks(fs, { log }),
    sys: createSysInfo(fs),
    log,
    now: options.now ?? (() => new Date()),
  };
}
