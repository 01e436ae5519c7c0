/**
 * The script runner's process handling with real shells: scripts started from a private temp
 * directory, output streamed line by line as it is produced, odd bytes and 10 MB of output,
 * exit statuses and signal deaths, interpreters from `#!`, and a stopped script whose whole
 * process group (background children included) is killed. Everything lives in a temp dir.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger, createMemoryLogger, type LogRecord } from '../../ts/core/logger.js';
import { executeScript, type ScriptOutcome } from '../../ts/features/metadata-scripts/executor.js';
import { createRunner } from '../../ts/os/exec.js';
import { createScriptHost } from '../../ts/os/script-host.js';
import { describeIf } from '../support/skip.js';

const host = createScriptHost(createRunner());
let dir: string;
const leftovers: number[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gce-scripts-exec-'));
});
afterEach(async () => {
  // Kill the whole group of anything a test left running (a subshell's own children too).
  for (const pid of leftovers.splice(0)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      process.kill(pgid > 1 ? -pgid : pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await rm(dir, { recursive: true, force: true });
});

/** True while a process with this pid exists (and is not a zombie). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8') as string;
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}

async function runText(
  body: string | Buffer,
  extra: { signal?: AbortSignal; killGraceMs?: number; drainMs?: number; defaultShell?: string } = {},
): Promise<{ outcome: ScriptOutcome; lines: string[] }> {
  const file = await host.writeScriptFile(dir, 'startup-script', body);
  const { log, sink } = createMemoryLogger('startup-script');
  const outcome = await executeScript({ host, log, key: 'startup-script', file, defaultShell: extra.defaultShell ?? '/bin/bash', ...extra });
  return { outcome, lines: sink.lines().filter((l) => !l.includes(' DEBUG ')) };
}

describe('executeScript with real processes', () => {
  it('merges stdout and stderr in order and reports the exit status', async () => {
    const { outcome, lines } = await runText('echo out1\necho err1 >&2\necho out2\nexit 3\n');
    expect(lines).toEqual([
      'startup-script: INFO startup-script: out1',
      'startup-script: INFO startup-script: err1',
      'startup-script: INFO startup-script: out2',
      'startup-script: INFO startup-script exited with status 3',
    ]);
    expect(outcome.status).toBe(3);
  });

  it('logs each line while the script is still running', async () => {
    const go = path.join(dir, 'go');
    const file = await host.writeScriptFile(dir, 'startup-script', `echo started\nwhile [ ! -e ${go} ]; do sleep 0.05; done\necho finished\n`);
    let finished = false;
    let seenWhileRunning = false;
    const log = createLogger('startup-script', [
      {
        threshold: 'info',
        write: (r: LogRecord) => {
          if (r.message === 'startup-script: started') {
            seenWhileRunning = !finished;
            void writeFile(go, '');
          }
        },
      },
    ]);
    const outcome = await executeScript({ host, log, key: 'startup-script', file, defaultShell: '/bin/sh' });
    finished = true;
    expect(seenWhileRunning).toBe(true);
    expect(outcome.status).toBe(0);
  });

  it('reports a signal death as 128 + signal', async () => {
    const { outcome, lines } = await runText('echo before\nkill -KILL $$\necho after\n');
    expect(outcome.status).toBe(137);
    expect(lines).toEqual(['startup-script: INFO startup-script: before', 'startup-script: INFO startup-script exited with status 137 (killed by SIGKILL)']);
  });

  it('replaces invalid UTF-8 instead of crashing', async () => {
    const { outcome, lines } = await runText("printf 'ok \\377\\376 end\\n'\n");
    expect(outcome.status).toBe(0);
    expect(lines[0]).toBe('startup-script: INFO startup-script: ok \ufffd\ufffd end');
  });

  it('handles 10 MB of output, with lines and without newlines, in capped pieces', async () => {
    const file = await host.writeScriptFile(
      dir,
      'startup-script',
      // 80 000 lines of 100 bytes (8 MB), then 2 MB with no newline at all.
      "yes 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' | head -n 80000\nhead -c 2097152 /dev/zero | tr '\\0' y\necho\necho last\n",
    );
    let lines = 0;
    let longest = 0;
    let last = '';
    const log = createLogger('startup-script', [
      {
        threshold: 'info',
        write: (r: LogRecord) => {
          lines += 1;
          longest = Math.max(longest, r.message.length);
          last = r.message;
        },
      },
    ]);
    const outcome = await executeScript({ host, log, key: 'startup-script', file, defaultShell: '/bin/sh' });
    expect(outcome.status).toBe(0);
    // 80 000 + 64 pieces of 32 KiB + 'last' + the status line.
    expect(lines).toBe(80_000 + 64 + 2);
    expect(longest).toBeLessThanOrEqual('startup-script: '.length + 32 * 1024);
    expect(last).toBe('startup-script exited with status 0');
  });

  it('honours #!/bin/sh -e (the argument reaches the interpreter)', async () => {
    const { outcome, lines } = await runText('#!/bin/sh -e\necho one\nfalse\necho never\n');
    expect(outcome.status).toBe(1);
    expect(lines).toEqual(['startup-script: INFO startup-script: one', 'startup-script: INFO startup-script exited with status 1']);
  });

  it('runs a script without #! with the configured default shell', async () => {
    const { outcome, lines } = await runText('if [[ -n "$BASH_VERSION" ]]; then echo bash; fi\n', { defaultShell: '/bin/bash' });
    expect(outcome.status).toBe(0);
    expect(lines[0]).toBe('startup-script: INFO startup-script: bash');
  });

  describeIf(existsSync('/usr/bin/python3'), 'python3 is not installed')('python', () => {
    it('honours #!/usr/bin/env python3', async () => {
      const { outcome, lines } = await runText('#!/usr/bin/env python3\nimport sys\nprint("py", sys.version_info[0])\n');
      expect(outcome.status).toBe(0);
      expect(lines[0]).toBe('startup-script: INFO startup-script: py 3');
    });
  });

  it('reports a missing interpreter with status 127', async () => {
    const { outcome, lines } = await runText('#!/nonexistent/interp\necho x\n');
    expect(outcome.status).toBe(127);
    expect(lines.join('\n')).toMatch(/\/nonexistent\/interp/);
  });

  it('kills the whole process group when stopped, background children included', async () => {
    const pids = path.join(dir, 'pids');
    const ac = new AbortController();
    const run = runText(
      // One child ignores SIGTERM, so only the SIGKILL after the grace period ends it.
      `sleep 300 >/dev/null 2>&1 &\necho $! > ${pids}\n(trap '' TERM; sleep 300) &\necho $! >> ${pids}\necho ready\nsleep 300\n`,
      { signal: ac.signal, killGraceMs: 500 },
    );
    expect(await waitFor(() => existsSync(pids) && readFileSync(pids, 'utf8').trim().split('\n').length === 2)).toBe(true);
    const children = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    leftovers.push(...children);
    expect(children.every(alive)).toBe(true);
    ac.abort(new Error('shutdown scripts did not finish within 1 s'));
    const { outcome, lines } = await run;
    expect(outcome.status).toBe(143);
    expect(lines).toContain('startup-script: WARNING stopping startup-script and its process group: shutdown scripts did not finish within 1 s');
    expect(await waitFor(() => !children.some(alive), 2000)).toBe(true);
  });

  it('leaves background children of a finished script alone and stops reading their output after the drain time', async () => {
    const pidFile = path.join(dir, 'pid');
    const t0 = Date.now();
    const { outcome, lines } = await runText(`(sleep 30; echo late) &\necho $! > ${pidFile}\necho main done\n`, { drainMs: 300 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(outcome.status).toBe(0);
    const child = Number(readFileSync(pidFile, 'utf8'));
    leftovers.push(child);
    expect(alive(child)).toBe(true);
    expect(lines).toContain('startup-script: INFO startup-script finished, but background processes still hold its output; no longer logging it');
  });
});
