/** Starting and reloading sshd after new host keys outside systemd (§8.5). */
import { decideSshdRestart, observeSshdFacts, restartSshd, type SshdFacts } from '../../../../ts/features/instance-setup/sshd.js';
import { FakeFs } from '../../../support/fake-fs.js';
import { fakeOs, recordingRunner } from './fakes.js';

const facts = (f: Partial<SshdFacts>): SshdFacts => ({ regenerated: true, systemd: false, sandboxed: false, sshInit: true, sshdInit: false, ...f });

describe('decideSshdRestart', () => {
  it.each<[string, Partial<SshdFacts>, string]>([
    ['nothing regenerated', { regenerated: false }, 'none'],
    ['systemd orders sshd after us', { systemd: true }, 'none'],
    ['sysvinit with /etc/init.d/ssh', {}, 'restart ssh'],
    ['EL with sshd', { sshInit: false, sshdInit: true }, 'restart sshd'],
    ['ssh wins when both exist', { sshdInit: true }, 'restart ssh'],
    ['no init file at all', { sshInit: false }, 'none'],
    ['sandbox root: skipped', { sandboxed: true }, 'none skipped'],
  ])('%s', (_n, f, expected) => {
    const d = decideSshdRestart(facts(f));
    const text = d.kind === 'restart' ? `restart ${d.service}` : `none${d.skipped ? ' skipped' : ''}`;
    expect(text).toBe(expected);
  });
});

describe('observeSshdFacts', () => {
  it('reads the init markers under the root', async () => {
    const fs = new FakeFs({ '/etc/init/sshd.conf': 'exec sshd\n' });
    const { os } = fakeOs({ fs, root: '/' });
    await expect(observeSshdFacts(os, true)).resolves.toEqual({ regenerated: true, systemd: false, sandboxed: false, sshInit: false, sshdInit: true });
    await fs.mkdir('/run/systemd/system');
    expect((await observeSshdFacts(os, true)).systemd).toBe(true);
  });
});

describe('restartSshd', () => {
  const noPrint = (): void => undefined;

  it('runs `service <name> start` then `reload`, one audit line each', async () => {
    const runner = recordingRunner();
    const { os, sink } = fakeOs({ runner, root: '/' });
    await restartSshd(os, { kind: 'restart', service: 'ssh' }, false, noPrint);
    expect(runner.calls.map((c) => c.argv)).toEqual([
      ['service', 'ssh', 'start'],
      ['service', 'ssh', 'reload'],
    ]);
    expect(sink.lines()).toEqual(['instance-setup: INFO applied start-service service=ssh', 'instance-setup: INFO applied reload-service service=ssh']);
  });

  it('reports a failing command and still tries the reload', async () => {
    const runner = recordingRunner((argv) => (argv[2] === 'start' ? { exitCode: 1, stderr: 'no such service\n' } : {}));
    const { os, sink } = fakeOs({ runner, root: '/' });
    await restartSshd(os, { kind: 'restart', service: 'sshd' }, false, noPrint);
    expect(sink.lines()).toEqual([
      'instance-setup: ERROR failed start-service service=sshd: no such service',
      'instance-setup: INFO applied reload-service service=sshd',
    ]);
  });

  it('logs a skipped line in a sandbox and runs nothing', async () => {
    const runner = recordingRunner();
    const { os, sink } = fakeOs({ runner, root: '/tmp/r' });
    await restartSshd(os, { kind: 'none', reason: 'sandbox root', skipped: true }, false, noPrint);
    expect(runner.calls).toEqual([]);
    expect(sink.lines()).toEqual(['instance-setup: INFO skipped restart-service service=sshd: sandbox root']);
  });

  it('prints plan lines in a dry run', async () => {
    const runner = recordingRunner();
    const { os } = fakeOs({ runner, root: '/' });
    const printed: string[] = [];
    await restartSshd(os, { kind: 'restart', service: 'ssh' }, true, (a) => printed.push(a));
    expect(runner.calls).toEqual([]);
    expect(printed).toEqual(['start-service', 'reload-service']);
  });
});
