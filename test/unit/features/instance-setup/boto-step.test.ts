/** The boto step over an in-memory fs: lock, only-on-change, user-managed files, dry run (§8.6). */
import { parseSnapshot } from '../../../../ts/metadata/snapshot.js';
import { runBotoStep } from '../../../../ts/features/instance-setup/boto-step.js';
import { FakeFs } from '../../../support/fake-fs.js';
import { fakeOs } from './fakes.js';

const snapshot = (numericProjectId: unknown) => parseSnapshot({ instance: { id: '1' }, project: { numericProjectId } }, '');
const noPrint = (): void => undefined;

describe('runBotoStep', () => {
  it('writes 0644 under /var/lock/google_boto.lock with one audit line', async () => {
    const { os, fs, sink } = fakeOs({ fs: new FakeFs({ '/etc/hostname': 'x\n' }) });
    await expect(runBotoStep(os, snapshot('123'), { dryRun: false, print: noPrint })).resolves.toBe('written');
    expect(fs.writes).toEqual([{ path: '/etc/boto.cfg', mode: 0o644, locksHeld: ['/var/lock/google_boto.lock'] }]);
    expect(sink.lines()).toEqual(['instance-setup: INFO applied write-file path=/etc/boto.cfg']);
  });

  it('does not rewrite unchanged content', async () => {
    const { os, fs } = fakeOs({ fs: new FakeFs({ '/etc/hostname': 'x\n' }) });
    await runBotoStep(os, snapshot('123'), { dryRun: false, print: noPrint });
    await expect(runBotoStep(os, snapshot('123'), { dryRun: false, print: noPrint })).resolves.toBe('unchanged');
    expect(fs.writes).toHaveLength(1);
  });

  it('leaves a user-managed file alone with one INFO line', async () => {
    const { os, fs, sink } = fakeOs({ fs: new FakeFs({ '/etc/boto.cfg': '[Credentials]\n' }) });
    await expect(runBotoStep(os, snapshot('123'), { dryRun: false, print: noPrint })).resolves.toBe('user-managed');
    expect(fs.writes).toEqual([]);
    expect(sink.lines()).toEqual([
      'instance-setup: INFO /etc/boto.cfg does not start with the generated header: it is managed by the administrator and left alone',
    ]);
  });

  it.each([[undefined], ['12a'], ['']])('skips with a warning when the numeric project id is %j', async (id) => {
    const { os, fs, sink } = fakeOs();
    await expect(runBotoStep(os, snapshot(id), { dryRun: false, print: noPrint })).resolves.toBe('no-project-id');
    expect(fs.writes).toEqual([]);
    expect(sink.lines()[0]).toMatch(/^instance-setup: WARNING metadata has no usable numeric project id/);
  });

  it('a failed write is one failed line and no throw', async () => {
    const { os, sink } = fakeOs(); // no /etc directory: the fake refuses the write
    await expect(runBotoStep(os, snapshot('5'), { dryRun: false, print: noPrint })).resolves.toBe('failed');
    expect(sink.lines()[0]).toMatch(/^instance-setup: ERROR failed write-file path=\/etc\/boto.cfg: /);
  });

  it('a dry run prints and neither locks nor writes', async () => {
    const { os, fs, locks } = fakeOs({ fs: new FakeFs({ '/etc/hostname': 'x\n' }) });
    const printed: string[] = [];
    await expect(runBotoStep(os, snapshot('5'), { dryRun: true, print: (a, f) => printed.push(`${a} ${String(f['path'])}`) })).resolves.toBe('planned');
    expect(printed).toEqual(['write-file /etc/boto.cfg']);
    expect(fs.writes).toEqual([]);
    expect(locks.taken).toEqual([]);
  });
});
