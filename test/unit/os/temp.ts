/**
 * Temp-directory fixtures for the ts/os tests: every test gets its own directory under
 * os.tmpdir(), removed afterwards. Nothing outside it is touched.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Creates a fresh temp directory; `cleanup` removes it. */
export async function makeTemp(prefix = 'gce-os-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Registers beforeEach/afterEach hooks and returns a getter for the current test's directory. */
export function useTempDir(prefix?: string): () => string {
  let current: { dir: string; cleanup: () => Promise<void> } | undefined;
  beforeEach(async () => {
    current = await makeTemp(prefix);
  });
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('temp dir used outside a test');
    return current.dir;
  };
}

/** The current uid and gid (tests that do not need root write files as themselves). */
export function me(): { uid: number; gid: number } {
  return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}
