/**
 * Table tests of the upstart and sysvinit maintainer scripts of google-compute-engine-init
 * (packaging spec §3.3 argument forms, §5 actions) under argv-recording stubs: a running system
 * and an image-build chroot; Debian (update-rc.d, invoke-rc.d), SUSE (insserv) and EL-style
 * (chkconfig) rpm machines.
 */
import { createSandbox, type Sandbox, type SandboxOptions } from './support/maintscript-sandbox.js';
import { assertSafeCalls } from './support/maintscript-invariants.js';

const SCRIPTS = ['google-instance-setup', 'google-guest-daemon', 'google-startup-scripts', 'google-shutdown-scripts'];
const INITD = '/etc/init.d/google-guest-daemon';

let boxes: Sandbox[] = [];
afterEach(() => {
  for (const b of boxes) b.cleanup();
  boxes = [];
});
/** A sandbox whose /etc/init.d/google-guest-daemon is a recording stub (the rpm path calls it). */
const box = (o: SandboxOptions): Sandbox => {
  const b = createSandbox(o);
  boxes.push(b);
  b.write(INITD.slice(1), `#!/bin/sh\necho "${b.root}${INITD} $*" >> "$STUB_LOG"\n`, 0o755);
  return b;
};
/** Replaces the sandbox root in recorded calls so tables stay readable. */
const show = (b: Sandbox, calls: string[]): string[] => calls.map((c) => c.split(b.root).join('$ROOT'));

type Row = [string, SandboxOptions, string, string[], string[]];

const UP_RUNNING: SandboxOptions = { tools: ['initctl'], upstartRunning: true };
const UPSTART: Row[] = [
  ['install, running', UP_RUNNING, 'postinst', ['configure', ''], ['initctl version', 'initctl start google-guest-daemon']],
  ['rpm install, running', UP_RUNNING, 'postinst', ['1'], ['initctl version', 'initctl start google-guest-daemon']],
  ['install, chroot (no upstart)', { tools: ['initctl'] }, 'postinst', ['1'], ['initctl version']],
  ['install, no initctl at all', { tools: [] }, 'postinst', ['configure', ''], []],
  ['upgrade with the daemon running', { ...UP_RUNNING, jobRunning: true }, 'postinst', ['configure', '2.9.0-1'],
    ['initctl version', 'initctl status google-guest-daemon', 'initctl stop google-guest-daemon', 'initctl start google-guest-daemon']],
  ['rpm upgrade with the daemon running', { ...UP_RUNNING, jobRunning: true }, 'postinst', ['2'],
    ['initctl version', 'initctl status google-guest-daemon', 'initctl stop google-guest-daemon', 'initctl start google-guest-daemon']],
  ['upgrade with the daemon stopped', UP_RUNNING, 'postinst', ['2'], ['initctl version', 'initctl status google-guest-daemon']],
  ['abort-upgrade', UP_RUNNING, 'postinst', ['abort-upgrade', '3.0.0-1'], ['initctl version']],
  ['remove, daemon running', { ...UP_RUNNING, jobRunning: true }, 'prerm', ['remove'],
    ['initctl version', 'initctl status google-guest-daemon', 'initctl stop google-guest-daemon']],
  ['rpm erase, daemon running', { ...UP_RUNNING, jobRunning: true }, 'prerm', ['0'],
    ['initctl version', 'initctl status google-guest-daemon', 'initctl stop google-guest-daemon']],
  ['remove, daemon stopped', UP_RUNNING, 'prerm', ['remove'], ['initctl version', 'initctl status google-guest-daemon']],
  ['prerm upgrade', { ...UP_RUNNING, jobRunning: true }, 'prerm', ['upgrade', '3.1.0-1'], []],
  ['rpm %preun during an upgrade', { ...UP_RUNNING, jobRunning: true }, 'prerm', ['1'], []],
  ['prerm deconfigure', { ...UP_RUNNING, jobRunning: true }, 'prerm', ['deconfigure', 'in-favour', 'x', '1'], []],
  ['prerm failed-upgrade', { ...UP_RUNNING, jobRunning: true }, 'prerm', ['failed-upgrade', '2.9.0-1'], []],
];

const DEB: SandboxOptions = { tools: ['update-rc.d', 'invoke-rc.d'] };
const SUSE: SandboxOptions = { tools: ['insserv', 'runlevel'], runlevel: 'N 3' };
const EL: SandboxOptions = { tools: ['chkconfig', 'runlevel'], runlevel: 'N 3' };
const register = (tool: string): string[] => SCRIPTS.map((s) => (tool === 'update-rc.d' ? `update-rc.d ${s} defaults` : tool === 'insserv' ? `insserv ${s}` : `chkconfig --add ${s}`));
const SYSV: Row[] = [
  ['deb install', DEB, 'postinst', ['configure', ''], [...register('update-rc.d'), 'invoke-rc.d google-guest-daemon start']],
  ['deb upgrade', DEB, 'postinst', ['configure', '2.9.0-1'], ['invoke-rc.d google-guest-daemon try-restart']],
  ['deb abort-upgrade', DEB, 'postinst', ['abort-upgrade', '3.0.0-1'], []],
  ['deb triggered', DEB, 'postinst', ['triggered', 'x'], []],
  ['deb remove', DEB, 'prerm', ['remove'], ['invoke-rc.d google-guest-daemon stop']],
  ['deb prerm upgrade', DEB, 'prerm', ['upgrade', '3.1.0-1'], []],
  ['deb prerm deconfigure', DEB, 'prerm', ['deconfigure', 'in-favour', 'x', '1'], []],
  ['deb prerm failed-upgrade', DEB, 'prerm', ['failed-upgrade', '2.9.0-1'], []],
  ['deb postrm remove keeps the links (conffiles stay until purge)', DEB, 'postrm', ['remove'], []],
  ['deb postrm purge', DEB, 'postrm', ['purge'], SCRIPTS.map((s) => `update-rc.d ${s} remove`)],
  ['deb postrm upgrade', DEB, 'postrm', ['upgrade', '3.1.0-1'], []],
  ['deb postrm disappear', DEB, 'postrm', ['disappear', 'x', '1'], []],
  ['deb postrm abort-install', DEB, 'postrm', ['abort-install'], []],
  ['deb postrm failed-upgrade', DEB, 'postrm', ['failed-upgrade', '2.9.0-1'], []],
  ['SUSE install, running', SUSE, 'postinst', ['1'], [...register('insserv'), 'runlevel', '$ROOT/etc/init.d/google-guest-daemon start']],
  ['SUSE install, chroot', { ...SUSE, runlevel: 'unknown' }, 'postinst', ['1'], [...register('insserv'), 'runlevel']],
  ['SUSE upgrade, running', SUSE, 'postinst', ['2'], ['runlevel', '$ROOT/etc/init.d/google-guest-daemon try-restart']],
  ['SUSE erase', SUSE, 'prerm', ['0'], ['$ROOT/etc/init.d/google-guest-daemon stop', ...SCRIPTS.map((s) => `insserv -r ${s}`)]],
  ['SUSE %preun during an upgrade', SUSE, 'prerm', ['1'], []],
  ['SUSE %postun erase', SUSE, 'postrm', ['0'], []],
  ['SUSE %postun during an upgrade', SUSE, 'postrm', ['1'], []],
  ['EL install, running', EL, 'postinst', ['1'], [...register('chkconfig'), 'runlevel', '$ROOT/etc/init.d/google-guest-daemon start']],
  ['EL erase', EL, 'prerm', ['0'], ['$ROOT/etc/init.d/google-guest-daemon stop', ...SCRIPTS.map((s) => `chkconfig --del ${s}`)]],
];

describe('upstart maintainer scripts', () => {
  it.each(UPSTART)('%s', (_name, machine, script, argv, expected) => {
    const b = box(machine);
    const r = b.run(`google-compute-engine-init/upstart/${script}.sh`, argv);
    expect(r.status).toBe(0);
    expect(show(b, r.calls)).toEqual(expected);
    assertSafeCalls(r.calls, argv);
  });
});

describe('sysvinit maintainer scripts', () => {
  it.each(SYSV)('%s', (_name, machine, script, argv, expected) => {
    const b = box(machine);
    const r = b.run(`google-compute-engine-init/sysvinit/${script}.sh`, argv);
    expect(r.status).toBe(0);
    expect(show(b, r.calls)).toEqual(expected);
    assertSafeCalls(r.calls, argv);
  });
});
