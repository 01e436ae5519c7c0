/**
 * Table tests of the systemd maintainer scripts of google-compute-engine-init (packaging spec
 * §3.3 argument forms, §5 actions) under argv-recording stubs: deb (deb-systemd-helper/-invoke)
 * and rpm (systemctl only), with systemd running and in an image-build chroot.
 */
import { createSandbox, type Sandbox, type SandboxOptions } from './support/maintscript-sandbox.js';
import { assertSafeCalls } from './support/maintscript-invariants.js';

const UNITS = ['google-instance-setup.service', 'google-guest-daemon.service', 'google-startup-scripts.service', 'google-shutdown-scripts.service'];
const DEB: SandboxOptions = { tools: ['systemctl', 'deb-systemd-helper', 'deb-systemd-invoke'] };
const RPM: SandboxOptions = { tools: ['systemctl'] };
const dshEnable = UNITS.flatMap((u) => [`deb-systemd-helper --quiet was-enabled ${u}`, `deb-systemd-helper enable ${u}`]);
const dshKeep = UNITS.flatMap((u) => [`deb-systemd-helper --quiet was-enabled ${u}`, `deb-systemd-helper update-state ${u}`]);

let boxes: Sandbox[] = [];
const box = (o: SandboxOptions): Sandbox => {
  const b = createSandbox(o);
  boxes.push(b);
  return b;
};
afterEach(() => {
  for (const b of boxes) b.cleanup();
  boxes = [];
});

type Row = [string, SandboxOptions, string, string[], string[]];
// [case, machine, script, argv, expected calls in order]
const TABLE: Row[] = [
  // postinst / %post
  ['deb install, running', { ...DEB, systemdRunning: true }, 'postinst', ['configure', ''],
    ['systemctl daemon-reload', ...dshEnable, 'deb-systemd-invoke start google-guest-daemon.service']],
  ['deb install, chroot', DEB, 'postinst', ['configure', ''], dshEnable],
  ['deb upgrade, running', { ...DEB, systemdRunning: true }, 'postinst', ['configure', '2.9.0-1'],
    ['systemctl daemon-reload', ...dshEnable, 'deb-systemd-invoke try-restart google-guest-daemon.service']],
  ['deb upgrade keeps an administrator\'s disabling', { ...DEB, systemdRunning: true, wasEnabled: false }, 'postinst', ['configure', '2.9.0-1'],
    ['systemctl daemon-reload', ...dshKeep, 'deb-systemd-invoke try-restart google-guest-daemon.service']],
  ['deb upgrade, chroot', DEB, 'postinst', ['configure', '2.9.0-1'], dshEnable],
  ['deb abort-upgrade', { ...DEB, systemdRunning: true }, 'postinst', ['abort-upgrade', '3.0.0-1'], []],
  ['deb abort-remove', { ...DEB, systemdRunning: true }, 'postinst', ['abort-remove'], []],
  ['deb abort-deconfigure', { ...DEB, systemdRunning: true }, 'postinst', ['abort-deconfigure', 'in-favour', 'x', '1'], []],
  ['deb triggered', { ...DEB, systemdRunning: true }, 'postinst', ['triggered', '/usr/lib/systemd'], []],
  ['rpm install, running', { ...RPM, systemdRunning: true }, 'postinst', ['1'],
    ['systemctl daemon-reload', `systemctl preset ${UNITS.join(' ')}`, 'systemctl start --no-block google-guest-daemon.service']],
  ['rpm install, chroot', RPM, 'postinst', ['1'], [`systemctl preset ${UNITS.join(' ')}`]],
  ['rpm upgrade, running', { ...RPM, systemdRunning: true }, 'postinst', ['2'],
    ['systemctl daemon-reload', 'systemctl try-restart google-guest-daemon.service']],
  ['rpm upgrade (3 installed), running', { ...RPM, systemdRunning: true }, 'postinst', ['3'],
    ['systemctl daemon-reload', 'systemctl try-restart google-guest-daemon.service']],
  ['rpm upgrade, chroot', RPM, 'postinst', ['2'], []],
  // prerm / %preun
  ['deb remove, running', { ...DEB, systemdRunning: true }, 'prerm', ['remove'],
    ['deb-systemd-invoke stop google-guest-daemon.service', `deb-systemd-helper purge ${UNITS.join(' ')}`]],
  ['deb remove, chroot', DEB, 'prerm', ['remove'], [`deb-systemd-helper purge ${UNITS.join(' ')}`]],
  ['deb prerm upgrade', { ...DEB, systemdRunning: true }, 'prerm', ['upgrade', '3.1.0-1'], []],
  ['deb prerm deconfigure', { ...DEB, systemdRunning: true }, 'prerm', ['deconfigure', 'in-favour', 'x', '1', 'removing', 'y', '1'], []],
  ['deb prerm failed-upgrade', { ...DEB, systemdRunning: true }, 'prerm', ['failed-upgrade', '2.9.0-1'], []],
  ['rpm erase, running', { ...RPM, systemdRunning: true }, 'prerm', ['0'],
    ['systemctl stop google-guest-daemon.service', `systemctl --no-reload disable ${UNITS.join(' ')}`]],
  ['rpm erase, chroot', RPM, 'prerm', ['0'], [`systemctl --no-reload disable ${UNITS.join(' ')}`]],
  ['rpm %preun of the old package during an upgrade', { ...RPM, systemdRunning: true }, 'prerm', ['1'], []],
  // postrm / %postun
  ['deb postrm remove, running', { ...DEB, systemdRunning: true }, 'postrm', ['remove'], ['systemctl daemon-reload']],
  ['deb postrm remove, chroot', DEB, 'postrm', ['remove'], []],
  ['deb postrm purge', { ...DEB, systemdRunning: true }, 'postrm', ['purge'], []],
  ['deb postrm upgrade', { ...DEB, systemdRunning: true }, 'postrm', ['upgrade', '3.1.0-1'], []],
  ['deb postrm disappear', { ...DEB, systemdRunning: true }, 'postrm', ['disappear', 'other', '1'], []],
  ['deb postrm abort-install', { ...DEB, systemdRunning: true }, 'postrm', ['abort-install'], []],
  ['deb postrm abort-upgrade', { ...DEB, systemdRunning: true }, 'postrm', ['abort-upgrade', '2.9.0-1'], []],
  ['deb postrm failed-upgrade', { ...DEB, systemdRunning: true }, 'postrm', ['failed-upgrade', '2.9.0-1'], []],
  ['rpm %postun erase, running', { ...RPM, systemdRunning: true }, 'postrm', ['0'], ['systemctl daemon-reload']],
  ['rpm %postun of the old package during an upgrade', { ...RPM, systemdRunning: true }, 'postrm', ['1'], []],
];

describe('systemd maintainer scripts', () => {
  it.each(TABLE)('%s', (_name, machine, script, argv, expected) => {
    const b = box(machine);
    const r = b.run(`google-compute-engine-init/systemd/${script}.sh`, argv);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual(expected);
    assertSafeCalls(r.calls, argv);
  });

  it('an rpm upgrade over the 2016 per-daemon units stops and unlinks them, then enables the guest daemon', () => {
    const b = box({ ...RPM, systemdRunning: true });
    const wants = 'etc/systemd/system/multi-user.target.wants';
    b.link(`${wants}/google-accounts-daemon.service`, '/usr/lib/systemd/system/google-accounts-daemon.service');
    b.link(`${wants}/google-ip-forwarding-daemon.service`, '/usr/lib/systemd/system/google-ip-forwarding-daemon.service');
    b.link(`${wants}/google-startup-scripts.service`, '/usr/lib/systemd/system/google-startup-scripts.service');
    const r = b.run('google-compute-engine-init/systemd/postinst.sh', ['2']);
    expect(r.calls).toEqual([
      'systemctl stop google-accounts-daemon.service',
      'systemctl stop google-ip-forwarding-daemon.service',
      'systemctl daemon-reload',
      `systemctl preset ${UNITS.join(' ')}`,
      'systemctl start --no-block google-guest-daemon.service',
    ]);
    expect(b.exists(`${wants}/google-accounts-daemon.service`)).toBe(false);
    expect(b.exists(`${wants}/google-ip-forwarding-daemon.service`)).toBe(false);
    expect(b.exists(`${wants}/google-startup-scripts.service`)).toBe(true);
  });

  it('a failing systemctl never fails the package transaction', () => {
    const b = box({ tools: [], systemdRunning: true });
    b.write('../stubs/systemctl', '#!/bin/sh\necho "systemctl $*" >> "$STUB_LOG"\nexit 1\n', 0o755);
    for (const [script, argv] of [['postinst', ['1']], ['postinst', ['2']], ['prerm', ['0']], ['postrm', ['0']]] as const) {
      const r = b.run(`google-compute-engine-init/systemd/${script}.sh`, argv);
      expect({ script, argv, status: r.status }).toEqual({ script, argv, status: 0 });
      expect(r.calls.length).toBeGreaterThan(0);
    }
  });
});
