/**
 * Maps machine paths (`/etc/passwd`) to host paths under the machine root and checks that a
 * resolved location really lies inside it. Lexical work is pure; `isInsideRoot` asks the kernel
 * (realpath) because symlinks decide where a path really leads. It must not open or write files.
 */
import { realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { UnsafePathError } from '../core/errors.js';

/**
 * Host path of `machinePath` under `root`. The machine path must be absolute; a `..` that would
 * climb above the root, or a NUL byte, is refused rather than clamped, so a bug shows up as an
 * error instead of a write somewhere unexpected.
 */
export function resolveUnder(root: string, machinePath: string): string {
  if (!machinePath.startsWith('/')) throw new UnsafePathError(machinePath, 'machine paths must be absolute');
  if (machinePath.includes('\0')) throw new UnsafePathError(machinePath, 'NUL byte in path');
  const parts: string[] = [];
  for (const part of machinePath.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw new UnsafePathError(machinePath, 'escapes the root');
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.length === 0 ? root : path.join(root, ...parts);
}

/** True when `hostPath` equals `root` or lies below it (both already real, absolute paths). */
export function isWithin(root: string, hostPath: string): boolean {
  if (root === '/') return hostPath.startsWith('/');
  return hostPath === root || hostPath.startsWith(`${root}/`);
}

/**
 * Checks where paths really lead. With root `/` everything is inside, so no system call is made;
 * otherwise the root's realpath is computed once per checker.
 */
export interface RootGuard {
  /** True when the real location `realHostPath` (already resolved by the kernel) is inside. */
  contains(realHostPath: string): Promise<boolean>;
  /** Throws UnsafePathError unless the existing `hostPath` really resolves inside the root. */
  assertInside(machinePath: string, hostPath: string): Promise<void>;
  /** `contains` with a synchronous realpath of the root (for the synchronous read path). */
  containsSync(realHostPath: string): boolean;
  /** `assertInside` with synchronous system calls. */
  assertInsideSync(machinePath: string, hostPath: string): void;
}

/** Builds the RootGuard for `root` (an absolute, normalised host path). */
export function createRootGuard(root: string): RootGuard {
  let realRoot: Promise<string> | undefined;
  let realRootSync: string | undefined;
  const getRealRoot = (): Promise<string> => (realRoot ??= realpath(root));
  const contains = async (realHostPath: string): Promise<boolean> => {
    if (root === '/') return true;
    return isWithin(await getRealRoot(), realHostPath);
  };
  const containsSync = (realHostPath: string): boolean => {
    if (root === '/') return true;
    return isWithin((realRootSync ??= realpathSync(root)), realHostPath);
  };
  return {
    contains,
    containsSync,
    assertInsideSync(machinePath, hostPath) {
      if (root === '/') return;
      if (!containsSync(realpathSync(hostPath))) throw new UnsafePathError(machinePath, 'a symlink leads outside the root');
    },
    async assertInside(machinePath, hostPath) {
      if (root === '/') return;
      if (!(await contains(await realpath(hostPath)))) {
        throw new UnsafePathError(machinePath, 'a symlink leads outside the root');
      }
    },
  };
}
