import { batchInput, BATCH_ARGV, applyRouteBatch, parseBatchFailures } from '../../../ts/os/route-batch.js';
import type { RunOptions, RunResult, Runner } from '../../../ts/os/types.js';

function runnerReturning(result: Partial<RunResult>): Runner & { calls: { argv: readonly string[]; input?: string | Buffer }[] } {
  const calls: { argv: readonly string[]; input?: string | Buffer }[] = [];
  const full: RunResult = { exitCode: 0, signal: undefined, stdout: '', stderr: '', timedOut: false, failed: false, ...result };
  return {
    calls,
    async run(argv: readonly string[], options?: RunOptions) {
      calls.push({ argv, input: options?.input });
      return full;
    },
    async check() {
      throw new Error('not used');
    },
    spawned: () => calls.length,
  };
}

const a = { op: 'add' as const, route: { dst: '10.1.2.3/32', dev: 'eth0' } };
const b = { op: 'add' as const, route: { dst: '10.1.2.4/32', dev: 'eth0' } };
const c = { op: 'delete' as const, route: { dst: '192.0.2.0/24', dev: 'eth1' } };

describe('route batches', () => {
  it('writes one ip route line per change, in order, each the routes.ts argv without `ip`', () => {
    expect(batchInput([a, c], 66)).toBe(
      'route add to local 10.1.2.3/32 scope host dev eth0 proto 66\nroute delete to local 192.0.2.0/24 scope host dev eth1 proto 66\n',
    );
  });

  it('maps each `Command failed -:N` marker to the messages printed before it', () => {
    const stderr = 'RTNETLINK answers: File exists\nCommand failed -:2\nCannot find device "eth9"\nCommand failed -:3\n';
    expect([...parseBatchFailures(stderr)]).toEqual([
      [2, 'RTNETLINK answers: File exists'],
      [3, 'Cannot find device "eth9"'],
    ]);
  });

  it('runs one process with the batch on stdin; success means every change took effect', async () => {
    const runner = runnerReturning({});
    expect(await applyRouteBatch(runner, [a, b, c], 66)).toEqual([undefined, undefined, undefined]);
    expect(runner.calls).toEqual([{ argv: BATCH_ARGV, input: batchInput([a, b, c], 66) }]);
  });

  it('fails only the lines ip names, with their message and their own command line', async () => {
    const runner = runnerReturning({ exitCode: 1, failed: true, stderr: 'RTNETLINK answers: File exists\nCommand failed -:2\n' });
    const [first, second, third] = await applyRouteBatch(runner, [a, b, c], 66);
    expect([first, third]).toEqual([undefined, undefined]);
    expect(String(second)).toMatch(/ip route add to local 10\.1\.2\.4\/32 scope host dev eth0 proto 66: exit status 1: RTNETLINK answers: File exists/);
  });

  it('fails every change when ip itself fails (missing, killed, or no line named)', async () => {
    for (const result of [
      { exitCode: undefined, failed: true, stderr: 'spawn ip ENOENT' },
      { exitCode: undefined, signal: 'SIGKILL', failed: true, timedOut: true },
      { exitCode: 255, failed: true, stderr: 'Option "-force" is unknown' },
    ]) {
      const outcomes = await applyRouteBatch(runnerReturning(result), [a, c], 66);
      expect(outcomes).toHaveLength(2);
      expect(outcomes.every((o) => o instanceof Error && o.message.startsWith('ip -force -batch -:'))).toBe(true);
    }
  });

  it('spawns nothing for an empty batch', async () => {
    const runner = runnerReturning({});
    expect(await applyRouteBatch(runner, [], 66)).toEqual([]);
    expect(runner.calls).toEqual([]);
  });
});
