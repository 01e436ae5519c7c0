/**
 * Table tests of gce-disk-expand's rpm scriptlets (EL7 systemd, EL6 SysV + dracut) under
 * argv-recording stubs: enable/register on install, initramfs rebuilds on EL6, unlink on erase,
 * nothing on the old package's scriptlets during an upgrade, and never a disk operation.
 */
import { spawnSync } from 'node:child_process';
import { createSandbox, type Sandbox, type SandboxOptions } from './support/maintscript-sandbox.js';

const kernel = spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim();
let boxes: Sandbox[] = [];
afterEach(() => {
  for (const b of boxes) b.cleanup();
  boxes = [];
});
const box = (o: SandboxOptions, booted: boolean): Sandbox => {
  const b = createSandbox(o);
  boxes.push(b);
  if (booted) b.write(`lib/modules/${kernel}/modules.dep`, '');
  return b;
};

type Row = [string, string, SandboxOptions, boolean, string[], string[]];
const EL7: SandboxOptions = { tools: ['systemctl'], systemdRunning: true };
const EL6: SandboxOptions = { tools: ['chkconfig', 'dracut'] };
const TABLE: Row[] = [
  ['EL7 install', 'systemd/postinst', EL7, true, ['1'], ['systemctl daemon-reload', 'systemctl enable expand-root.service']],
  ['EL7 install in a chroot', 'systemd/postinst', { tools: ['systemctl'] }, false, ['1'], ['systemctl enable expand-root.service']],
  ['EL7 upgrade', 'systemd/postinst', EL7, true, ['2'], ['systemctl daemon-reload']],
  ['EL7 erase', 'systemd/prerm', EL7, true, ['0'], ['systemctl --no-reload disable expand-root.service']],
  ['EL7 %preun during an upgrade', 'systemd/prerm', EL7, true, ['1'], []],
  ['EL7 %postun erase', 'systemd/postrm', EL7, true, ['0'], ['systemctl daemon-reload']],
  ['EL7 %postun during an upgrade', 'systemd/postrm', EL7, true, ['1'], []],
  ['EL6 install', 'sysvinit/postinst', EL6, true, ['1'], ['chkconfig --add expand-root', 'dracut --force']],
  ['EL6 install in a chroot (no modules for the running kernel)', 'sysvinit/postinst', EL6, false, ['1'], ['chkconfig --add expand-root']],
  ['EL6 upgrade rebuilds the initramfs only', 'sysvinit/postinst', EL6, true, ['2'], ['dracut --force']],
  ['EL6 erase', 'sysvinit/prerm', EL6, true, ['0'], ['chkconfig --del expand-root']],
  ['EL6 %preun during an upgrade', 'sysvinit/prerm', EL6, true, ['1'], []],
  ['EL6 %postun erase rebuilds without the module', 'sysvinit/postrm', EL6, true, ['0'], ['dracut --force']],
  ['EL6 %postun during an upgrade', 'sysvinit/postrm', EL6, true, ['1'], []],
];

describe('gce-disk-expand scriptlets', () => {
  it.each(TABLE)('%s', (_name, script, machine, booted, argv, expected) => {
    const b = box(machine, booted);
    const r = b.run(`gce-disk-expand/${script}.sh`, argv);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual(expected);
    for (const call of r.calls) expect(call).not.toMatch(/expand-root (partition|filesystem)|growpart|resize2fs|xfs_growfs|start expand-root/);
  });
});
