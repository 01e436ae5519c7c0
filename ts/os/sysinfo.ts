/**
 * Read-only facts about the machine: network interfaces and their MACs (from the root's
 * `/sys/class/net`, re-read on every call), whether this process sits in a private network
 * namespace, the CPU count and executable lookup. It must never change anything.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inPrivateNetns } from './netns.js';
import type { NetInterface, RootedFs, SysInfo } from './types.js';

/** Options and test seams of `createSysInfo`. */
export interface SysInfoOptions {
  /** Fixed CPU count (tests); default: what Node reports, at least 1. */
  readonly cpuCount?: number;
  /** Host directory used for namespace checks (default `/proc`; never under the machine root). */
  readonly procDir?: string;
  /** PATH for `which` without directories (default the process's PATH). */
  readonly pathEnv?: string;
}

const NO_MAC = '00:00:00:00:00:00';
const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** Builds the SysInfo of a machine root. */
export function createSysInfo(fs: RootedFs, options: SysInfoOptions = {}): SysInfo {
  const procDir = options.procDir ?? '/proc';
  return {
    async interfaces() {
      const result: NetInterface[] = [];
      for (const name of await fs.readdir('/sys/class/net')) {
        if (name === 'lo' || name.startsWith('.')) continue;
        let raw: string | undefined;
        try {
          raw = await fs.readText(`/sys/class/net/${name}/address`);
        } catch {
          continue; // an unreadable or vanished interface is simply not there
        }
        const mac = raw?.trim().toLowerCase();
        if (!mac || mac === NO_MAC || !MAC_RE.test(mac)) continue;
        result.push({ name, mac });
      }
      return result;
    },

    inPrivateNetns: () => inPrivateNetns(procDir),

    cpuCount: () => options.cpuCount ?? Math.max(1, os.cpus().length),

    async which(name, dirs) {
      if (name === '' || name.includes('/')) return undefined;
      const search = dirs ?? (options.pathEnv ?? process.env.PATH ?? '').split(':').filter((d) => d !== '');
      for (const dir of search) {
        const candidate = path.join(dir, name);
        try {
          if (!(await stat(candidate)).isFile()) continue;
          await access(candidate, constants.X_OK);
          return path.resolve(candidate);
        } catch {
          // not here
        }
      }
      return undefined;
    },
  };
}
