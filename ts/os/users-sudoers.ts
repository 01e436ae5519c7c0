/**
 * Installs the google-sudoers rule file (behaviour spec §5.5): written only when absent, mode
 * 0440 root:root, and checked with `visudo -c -f` on a temp copy first when visudo is installed,
 * so a broken file never lands in /etc/sudoers.d. It must not decide the file's content.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { CommandError } from '../core/errors.js';
import type { Os } from './types.js';

/** How the install ended: written, or left alone because a file already exists. */
export type SudoersOutcome = 'written' | 'exists';

const MODE = { mode: 0o440, uid: 0, gid: 0 } as const;

/**
 * Writes `content` to machine path `file` unless something is already there (an administrator
 * may have edited it). The temp copy sits in the same directory under a dotted name, which
 * sudo's #includedir ignores, and is always removed.
 */
export async function installSudoers(os: Os, file: string, content: string, signal?: AbortSignal): Promise<SudoersOutcome> {
  if (await os.fs.lstat(file)) return 'exists';
  const dir = path.posix.dirname(file);
  await os.fs.mkdir(dir, { mode: 0o750, uid: 0, gid: 0 });
  const visudo = await os.sys.which('visudo');
  if (visudo) {
    const temp = `${dir}/.${path.posix.basename(file)}.check-${randomBytes(6).toString('hex')}`;
    try {
      await os.fs.writeAtomic(temp, content, MODE);
      const argv = [visudo, '-c', '-f', os.fs.resolve(temp)];
      const result = await os.exec.run(argv, { signal, timeoutMs: 30_000 });
      if (result.failed) throw new CommandError(argv, result);
    } finally {
      await os.fs.unlink(temp);
    }
  }
  await os.fs.writeAtomic(file, content, MODE);
  return 'written';
}
