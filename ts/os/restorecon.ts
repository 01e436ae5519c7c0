/**
 * Restores the SELinux label of a file the project just wrote, as 2016 and the Go agent do:
 * `restorecon <path>` when the tool exists in `/sbin` or `/usr/sbin` of the machine root, and
 * nothing at all when it does not. It must not decide whether a write happens and never fails
 * the write it follows (a failure is one WARNING line).
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/logger.js';
import type { Runner } from './types.js';

/** Machine locations searched for restorecon, in order. */
export const RESTORECON_PATHS: readonly string[] = ['/sbin/restorecon', '/usr/sbin/restorecon'];

/** Relabels one host path; resolves once done (or skipped). */
export type Relabel = (hostPath: string) => Promise<void>;

/**
 * Builds the relabel step for `root`. The tool is looked up under the root on every call (it
 * may be installed later; a stat per write is cheap) and run with the host path of the file.
 */
export function createRelabel(root: string, runner: Runner | undefined, log: Logger | undefined): Relabel {
  return async (hostPath) => {
    if (!runner) return;
    const tool = await findTool(root);
    if (!tool) return;
    const result = await runner.run([tool, hostPath], { timeoutMs: 30_000 });
    if (result.failed) {
      const why = result.stderr.trim() || `exit status ${result.exitCode ?? 'unknown'}`;
      log?.warn(`restorecon ${hostPath} failed: ${why}`);
    }
  };
}

async function findTool(root: string): Promise<string | undefined> {
  for (const machinePath of RESTORECON_PATHS) {
    const hostPath = root === '/' ? machinePath : path.join(root, machinePath);
    try {
      const st = await stat(hostPath);
      if (!st.isFile()) continue;
      await access(hostPath, constants.X_OK);
      return hostPath;
    } catch {
      // Absent or not executable: try the next location.
    }
  }
  return undefined;
}
