/** The Runner against real processes (node itself, so nothing depends on the host's tools). */
import { CommandError } from '../../../ts/core/errors.js';
import { createMemoryLogger } from '../../../ts/core/logger.js';
import { createRunner } from '../../../ts/os/exec.js';

const node = process.execPath;
const script = (code: string, ...args: string[]): string[] => [node, '-e', code, ...args];

describe('createRunner', () => {
  it('passes argv untouched, with no shell in between', async () => {
    const runner = createRunner();
    const args = ['a b', '$HOME', '; ls', '*', '`id`'];
    const r = await runner.run(script('console.log(JSON.stringify(process.argv.slice(1)))', ...args));
    expect(r.failed).toBe(false);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(args);
  });

  it('keeps stdout byte-exact and feeds input on stdin', async () => {
    const r = await createRunner().run(script('process.stdin.pipe(process.stdout)'), { input: 'line 1\nline 2\n' });
    expect(r.stdout).toBe('line 1\nline 2\n');
  });

  it('gives a command without input an empty stdin instead of letting it wait', async () => {
    const r = await createRunner().run(
      script('let n=0;process.stdin.on("data",d=>n+=d.length).on("end",()=>console.log(n))'),
      { timeoutMs: 5000 },
    );
    expect(r.timedOut).toBe(false);
    expect(r.stdout.trim()).toBe('0');
  });

  it('merges extra environment over the process environment', async () => {
    const r = await createRunner().run(script('console.log(process.env.GCE_TEST_VAR, Boolean(process.env.PATH))'), {
      env: { GCE_TEST_VAR: 'hello' },
    });
    expect(r.stdout.trim()).toBe('hello true');
  });

  it('reports a non-zero exit without rejecting, and check throws a CommandError with argv, status and trimmed stderr', async () => {
    const runner = createRunner();
    const argv = script('process.stderr.write("  boom\\n\\n"); process.exit(3)');
    const r = await runner.run(argv);
    expect(r).toMatchObject({ failed: true, exitCode: 3, timedOut: false });
    expect(r.stderr).toBe('  boom\n\n');
    const err = await runner.check(argv).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    const ce = err as CommandError;
    expect(ce.argv).toEqual(argv);
    expect(ce.exitCode).toBe(3);
    expect(ce.stderr).toBe('boom');
    expect(ce.code).toBe('E_COMMAND');
    expect(ce.message).toContain('exit status 3: boom');
    expect(ce.cause).toBeInstanceOf(Error);
  });

  it('check resolves with the result when the command succeeds', async () => {
    const r = await createRunner().check(script('console.log("ok")'));
    expect(r.stdout).toBe('ok\n');
  });

  it('kills a command that runs past its timeout', async () => {
    const runner = createRunner({ defaultTimeoutMs: 200 });
    const started = Date.now();
    const r = await runner.run(script('setTimeout(() => {}, 20000)'));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r).toMatchObject({ failed: true, timedOut: true, exitCode: undefined });
    const err = await runner.check(script('setTimeout(() => {}, 20000)'), { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).timedOut).toBe(true);
    expect((err as CommandError).message).toContain('timed out');
  });

  it('yields failed with no exit code when the command cannot start', async () => {
    const runner = createRunner();
    const r = await runner.run(['/nonexistent/gce-no-such-command', 'x']);
    expect(r).toMatchObject({ failed: true, exitCode: undefined, signal: undefined, timedOut: false });
    expect(r.stderr).toContain('ENOENT');
    const err = await runner.check(['/nonexistent/gce-no-such-command']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).message).toContain('could not start');
  });

  it('turns arguments execa refuses (a NUL byte) into a failed result instead of a rejection', async () => {
    const r = await createRunner().run([node, '-e', '0', 'a\0b']);
    expect(r).toMatchObject({ failed: true, exitCode: undefined });
    expect(r.stderr).not.toBe('');
  });

  it('aborts running commands when the runner signal or the call signal fires', async () => {
    const loop = new AbortController();
    const runner = createRunner({ signal: loop.signal });
    const pending = runner.run(script('setTimeout(() => {}, 20000)'));
    setTimeout(() => loop.abort(), 100);
    const r = await pending;
    expect(r.failed).toBe(true);
    expect(r.exitCode).toBeUndefined();

    const call = new AbortController();
    const second = createRunner({ signal: new AbortController().signal }).run(script('setTimeout(() => {}, 20000)'), {
      signal: call.signal,
    });
    setTimeout(() => call.abort(), 100);
    expect((await second).failed).toBe(true);
  });

  it('counts every process it starts', async () => {
    const runner = createRunner();
    expect(runner.spawned()).toBe(0);
    await runner.run(script('0'));
    await runner.run(script('process.exit(1)'));
    await runner.run(['/nonexistent/gce-no-such-command']);
    expect(runner.spawned()).toBe(3);
    await runner.run([]);
    expect(runner.spawned()).toBe(3);
  });

  it('logs each command at DEBUG unless the call is quiet', async () => {
    const { log, sink } = createMemoryLogger('exec');
    const runner = createRunner({ log });
    await runner.run(script('0', 'visible'));
    await runner.run(script('0', 'hidden'), { quiet: true });
    const lines = sink.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^exec: DEBUG run .* visible$/);
  });
});
