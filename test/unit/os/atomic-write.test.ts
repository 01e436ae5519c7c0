/**
 * The atomic writer at the moment that matters: between the complete temp file and the rename.
 * A crash there leaves the old content in place; a failure there leaves no temp file behind.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { GuestError } from '../../../ts/core/errors.js';
import { writeEntry } from '../../../ts/os/atomic-write.js';
import { openDir } from '../../../ts/os/dir-handle.js';
import { useTempDir } from './temp.js';

const tmp = useTempDir();

async function setup(): Promise<string> {
  const dir = path.join(tmp(), 'etc');
  await mkdir(dir);
  await writeFile(path.join(dir, 'app.cfg'), 'old\n');
  return dir;
}

describe('writeEntry', () => {
  it('leaves the old content in place while the new one exists only as a temp file (a crash before rename loses nothing)', async () => {
    const dir = await setup();
    const handle = await openDir(dir, '/etc', false);
    const seen: { target: string; temp: string; tempName: string }[] = [];
    try {
      await writeEntry(handle, 'app.cfg', 'new\n', {
        beforeRename: async (temp) => {
          seen.push({
            target: await readFile(path.join(dir, 'app.cfg'), 'utf8'),
            temp: await readFile(temp, 'utf8'),
            tempName: path.basename(temp),
          });
        },
      });
    } finally {
      await handle.close();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]?.target).toBe('old\n');
    expect(seen[0]?.temp).toBe('new\n');
    expect(seen[0]?.tempName).toMatch(/^\.app\.cfg\.[0-9a-f]{12}$/);
    expect(await readFile(path.join(dir, 'app.cfg'), 'utf8')).toBe('new\n');
  });

  it('leaves the old content when the process is killed between temp write and rename', async () => {
    const dir = await setup();
    // A real crash: a child process writes through the same module and is SIGKILLed mid-write.
    const entry = path.join(tmp(), 'crash.ts');
    await writeFile(
      entry,
      [
        `import { writeEntry } from ${JSON.stringify(path.resolve('ts/os/atomic-write.ts'))};`,
        `import { openDir } from ${JSON.stringify(path.resolve('ts/os/dir-handle.ts'))};`,
        `const dir = await openDir(process.argv[2], '/etc', false);`,
        `await writeEntry(dir, 'app.cfg', 'new\\n', {`,
        `  beforeRename: () => new Promise(() => { process.stdout.write('ready\\n'); setInterval(() => {}, 1000); }),`,
        `});`,
      ].join('\n'),
    );
    const bundle = path.join(tmp(), 'crash.mjs');
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent' });
    const child = spawn(process.execPath, [bundle, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => (d.toString().includes('ready') ? resolve() : undefined));
      child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(await readFile(path.join(dir, 'app.cfg'), 'utf8')).toBe('old\n');
    const leftovers = (await readdir(dir)).filter((n) => n !== 'app.cfg');
    expect(leftovers).toHaveLength(1);
    expect(await readFile(path.join(dir, leftovers[0] ?? ''), 'utf8')).toBe('new\n');
  });

  it('keeps the old file and removes the temp file when the write fails before the rename', async () => {
    const dir = await setup();
    const handle = await openDir(dir, '/etc', false);
    try {
      const err = await writeEntry(handle, 'app.cfg', 'new\n', {
        beforeRename: () => Promise.reject(Object.assign(new Error('disk full'), { code: 'ENOSPC' })),
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GuestError);
      expect((err as Error).message).toBe('writing /etc/app.cfg: ENOSPC (no space left on device)');
    } finally {
      await handle.close();
    }
    expect(await readFile(path.join(dir, 'app.cfg'), 'utf8')).toBe('old\n');
    expect(await readdir(dir)).toEqual(['app.cfg']);
  });

  it('removes temp files that killed writes of the same entry left, even when the content is unchanged', async () => {
    const dir = await setup();
    await writeFile(path.join(dir, '.app.cfg.0123456789ab'), 'half');
    await writeFile(path.join(dir, '.app.cfg.notatempname'), 'keep');
    await writeFile(path.join(dir, '.other.cfg.0123456789ab'), 'keep');
    const handle = await openDir(dir, '/etc', false);
    try {
      expect(await writeEntry(handle, 'app.cfg', 'old\n', {})).toBe(false);
    } finally {
      await handle.close();
    }
    expect((await readdir(dir)).sort()).toEqual(['.app.cfg.notatempname', '.other.cfg.0123456789ab', 'app.cfg']);
    expect(await readFile(path.join(dir, 'app.cfg'), 'utf8')).toBe('old\n');
  });

  it('refuses names that are not plain entries', async () => {
    const dir = await setup();
    const handle = await openDir(dir, '/etc', false);
    try {
      for (const name of ['', '.', '..', 'a/b']) {
        await expect(writeEntry(handle, name, 'x', {})).rejects.toThrow(/not a plain file name/);
      }
    } finally {
      await handle.close();
    }
  });
});
