/**
 * google-config's data files (behaviour spec §10): the udev rules evaluated on fake devices,
 * the 2016 sysctl key list, and the rsyslog console rule.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './support/packaging-model.js';
import { runUdevRules, type UdevDevice } from './support/udev-rules.js';
import { parseSysctl, SYSCTL_2016 } from './support/sysctl.js';

const read = (p: string): string => readFileSync(join(REPO, p), 'utf8');

describe('sysctl/11-gce-network-security.conf', () => {
  it('holds exactly the 2016 keys and values, in order', () => {
    expect(parseSysctl(read('sysctl/11-gce-network-security.conf'))).toEqual(SYSCTL_2016);
  });
});

describe('rsyslog/90-google.conf', () => {
  it('has the one rule sending daemon and kernel messages to the console', () => {
    const rules = read('rsyslog/90-google.conf').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(rules).toEqual(['daemon,kern.* /dev/console']);
  });
});

describe('udev rules', () => {
  const naming = read('udev/65-gce-disk-naming.rules');
  const scsi = (serials: Record<string, string>) => (argv: string[]): Record<string, string> => {
    const node = argv[argv.length - 1] ?? '';
    const disk = node.replace(/^\/dev\//, '').replace(/\d+$/, '');
    const serial = serials[disk];
    return serial === undefined ? {} : { ID_SERIAL_SHORT: serial, ID_SCSI: '1' };
  };
  const disk = (kernel: string, devtype: string, extra: Partial<UdevDevice> = {}): UdevDevice =>
    ({ action: 'add', kernel, subsystem: 'block', env: { DEVTYPE: devtype }, ...extra });

  it('names a SCSI disk and its partition after the serial (fake sdb with serial data-1)', () => {
    const d = runUdevRules(naming, disk('sdb', 'disk'), scsi({ sdb: 'data-1' }));
    expect(d.symlinks).toEqual(['disk/by-id/google-data-1']);
    expect(d.imports).toEqual([['scsi_id', '--export', '--whitelisted', '-d', '/dev/sdb']]);
    const p = runUdevRules(naming, disk('sdb1', 'partition'), scsi({ sdb: 'data-1' }));
    expect(p.symlinks).toEqual(['disk/by-id/google-data-1-part1']);
  });

  it('names virtio disks the same way and also acts on change events', () => {
    const d = runUdevRules(naming, disk('vdc', 'disk', { action: 'change' }), scsi({ vdc: 'logs' }));
    expect(d.symlinks).toEqual(['disk/by-id/google-logs']);
  });

  it('gives no link to a disk without a serial, and does nothing on remove or for other subsystems', () => {
    expect(runUdevRules(naming, disk('sdc', 'disk'), scsi({})).symlinks).toEqual([]);
    expect(runUdevRules(naming, disk('sdb', 'disk', { action: 'remove' }), scsi({ sdb: 'x' })).symlinks).toEqual([]);
    expect(runUdevRules(naming, disk('sdb', 'disk', { subsystem: 'scsi' }), scsi({ sdb: 'x' })).imports).toEqual([]);
  });

  it('names NVMe local SSD namespaces local-nvme-ssd-(N-1), partitions included', () => {
    const ssd: Array<Record<string, string>> = [{}, { model: 'nvme_card' }];
    for (const [kernel, index] of [['nvme0n1', 0], ['nvme0n2', 1], ['nvme0n8', 7]] as const) {
      const r = runUdevRules(naming, disk(kernel, 'disk', { attrs: ssd }), scsi({}));
      expect(r.env.ID_SERIAL_SHORT).toBe(`local-nvme-ssd-${index}`);
      expect(r.symlinks).toEqual([`disk/by-id/google-local-nvme-ssd-${index}`]);
    }
    const part = runUdevRules(naming, disk('nvme0n2p1', 'partition', { attrs: [{}, {}, { model: 'nvme_card' }], parentEnv: { ID_SERIAL_SHORT: 'local-nvme-ssd-1' } }), scsi({}));
    expect(part.symlinks).toEqual(['disk/by-id/google-local-nvme-ssd-1-part1']);
  });

  it('gives an NVMe persistent disk (not an nvme_card local SSD) no google link', () => {
    const pd = disk('nvme0n1', 'disk', { attrs: [{}, { model: 'nvme_card-pd' }], env: { DEVTYPE: 'disk', ID_SERIAL_SHORT: 'nvme_card-pd' } });
    expect(runUdevRules(naming, pd, scsi({})).symlinks).toEqual([]);
  });

  it('the removal rule lazily unmounts a removed sd/vd disk and logs a daemon.warn line, nothing else', () => {
    const removal = read('udev/64-gce-disk-removal.rules');
    const r = runUdevRules(removal, disk('sdb', 'disk', { action: 'remove' }), scsi({}));
    expect(r.run).toHaveLength(1);
    expect(r.run[0]).toContain('/bin/umount -fl /dev/sdb');
    expect(r.run[0]).toContain('logger -p daemon.warn');
    expect(r.run[0]).toContain('hot-removed /dev/sdb that was still mounted, data may have been corrupted');
    expect(runUdevRules(removal, disk('sdb', 'disk'), scsi({})).run).toEqual([]);
    expect(runUdevRules(removal, disk('nvme0n1', 'disk', { action: 'remove' }), scsi({})).run).toEqual([]);
  });
});
