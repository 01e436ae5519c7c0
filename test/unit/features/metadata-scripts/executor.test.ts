import { createMemoryLogger } from '../../../../ts/core/logger.js';
import { executeScript, outcomeOf } from '../../../../ts/features/metadata-scripts/executor.js';
import { fakeHost, type FakeHostOptions } from './fakes.js';

const DIR = '/run/google-startup-scripts-000001';

async function run(content: string | Buffer, opts: FakeHostOptions = {}) {
  const { host, state } = fakeHost(opts);
  const file = await host.writeScriptFile(DIR, 'startup-script', content);
  const { log, sink } = createMemoryLogger('startup-script');
  const outcome = await executeScript({ host, log, key: 'startup-script', file, defaultShell: '/bin/bash' });
  return { outcome, state, lines: sink.lines().filter((l) => !l.includes(' DEBUG ')) };
}

describe('outcomeOf', () => {
  it.each([
    [{ code: 0, signal: undefined }, 0, 'exited with status 0'],
    [{ code: 3, signal: undefined }, 3, 'exited with status 3'],
    [{ code: undefined, signal: 'SIGKILL' }, 137, 'exited with status 137 (killed by SIGKILL)'],
    [{ code: undefined, signal: 'SIGTERM' }, 143, 'exited with status 143 (killed by SIGTERM)'],
  ])('%j → %d', (exit, status, summary) => {
    expect(outcomeOf({ pid: 1, stopped: false, outputLeftOpen: false, startError: undefined, ...exit })).toEqual({ status, summary });
  });
});

describe('executeScript', () => {
  it('runs the file with its #! interpreter in the runner\'s working directory and logs every non-empty line', async () => {
    const { outcome, state, lines } = await run('#!/bin/sh -e\necho hi\n', {
      runs: { 'startup-script': { output: ['hello\n\nwor', 'ld\n'], code: 0 } },
    });
    expect(state.spawned[0]?.argv).toEqual(['/bin/sh', '-e', `${DIR}/startup-script`]);
    expect(state.spawned[0]?.cwd).toBeUndefined();
    expect(lines).toEqual([
      'startup-script: INFO startup-script: hello',
      'startup-script: INFO startup-script: world',
      'startup-script: INFO startup-script exited with status 0',
    ]);
    expect(outcome.status).toBe(0);
  });

  it('uses the default shell without #!', async () => {
    const { state } = await run('echo hi\n');
    expect(state.spawned[0]?.argv).toEqual(['/bin/bash', `${DIR}/startup-script`]);
  });

  it('reports a signal death as 128 + signal with the signal named', async () => {
    const { outcome, lines } = await run('kill -9 $$\n', { runs: { 'startup-script': { signal: 'SIGKILL' } } });
    expect(outcome.status).toBe(137);
    expect(lines).toContain('startup-script: INFO startup-script exited with status 137 (killed by SIGKILL)');
  });

  it('refuses an ELF binary on a noexec mount with a clear message and status 126', async () => {
    const { outcome, state, lines } = await run(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]), { noExec: true });
    expect(state.spawned).toEqual([]);
    expect(outcome.status).toBe(126);
    expect(lines[0]).toMatch(/ERROR cannot run startup-script: cannot execute this ELF binary: .* noexec mount; set \[MetadataScripts\] run_dir/);
  });

  it('runs an ELF binary directly when the mount allows exec', async () => {
    const { state } = await run(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]));
    expect(state.spawned[0]?.argv).toEqual([`${DIR}/startup-script`]);
  });
});
