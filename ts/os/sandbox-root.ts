/**
 * Builds a minimal machine root in a directory for the demo, benchmarks and end-to-end tests:
 * account databases with root and a few system groups, login.defs, useradd defaults, skel,
 * /etc/ssh, /var/lib/google, /var/lock. It writes only inside `dir` and never reads or changes
 * the host's account files.
 */
import { mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';

const PASSWD = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
sshd:x:105:65534::/run/sshd:/usr/sbin/nologin
`;
const GROUP = `root:x:0:
daemon:x:1:
adm:x:4:
sudo:x:27:
dip:x:30:
video:x:44:
plugdev:x:46:
users:x:100:
nogroup:x:65534:
`;
const SHADOW = `root:*:19000:0:99999:7:::
daemon:*:19000:0:99999:7:::
sshd:*:19000:0:99999:7:::
`;
const LOGIN_DEFS = `MAIL_DIR /var/mail
UID_MIN 1000
UID_MAX 60000
SYS_UID_MIN 100
SYS_UID_MAX 999
GID_MIN 1000
GID_MAX 60000
SYS_GID_MIN 100
SYS_GID_MAX 999
CREATE_HOME yes
UMASK 022
USERGROUPS_ENAB yes
ENCRYPT_METHOD SHA512
`;
const USERADD_DEFAULTS = `SHELL=/bin/bash
HOME=/home
SKEL=/etc/skel
CREATE_MAIL_SPOOL=no
`;

export interface SandboxRootOptions {
  /** Interfaces listed in the fake `/sys/class/net` (name and MAC). */
  readonly interfaces?: readonly { readonly name: string; readonly mac: string }[];
  /** CPUs listed as online in the fake `/sys` (default 2). */
  readonly cpus?: number;
}

/**
 * Creates the skeleton machine root under `dir` (which may already exist), with a small fake
 * `/sys` and `/proc` so the bash helpers find a machine with no local SSD and no virtio NIC.
 */
export function createSandboxRoot(dir: string, options: SandboxRootOptions = {}): void {
  for (const d of ['etc/default', 'etc/skel', 'etc/ssh', 'etc/sudoers.d', 'home', 'root', 'var/lib/google', 'var/lock', 'var/mail', 'run', 'tmp', 'usr/sbin', 'sbin']) {
    mkdirSync(join(dir, d), { recursive: true });
  }
  const files: [string, string, number][] = [
    ['etc/passwd', PASSWD, 0o644],
    ['etc/group', GROUP, 0o644],
    ['etc/shadow', SHADOW, 0o640],
    ['etc/gshadow', GROUP.replace(/:x:\d+:/g, ':*::'), 0o640],
    ['etc/login.defs', LOGIN_DEFS, 0o644],
    ['etc/default/useradd', USERADD_DEFAULTS, 0o644],
    ['etc/skel/.profile', '# ~/.profile\n', 0o644],
  ];
  for (const [path, text, mode] of files) {
    writeFileSync(join(dir, path), text);
    chmodSync(join(dir, path), mode);
  }
  chmodSync(join(dir, 'tmp'), 0o1777);
  const cpus = options.cpus ?? 2;
  mkdirSync(join(dir, 'sys/devices/system/cpu'), { recursive: true });
  mkdirSync(join(dir, 'proc/irq'), { recursive: true });
  writeFileSync(join(dir, 'sys/devices/system/cpu/online'), cpus > 1 ? `0-${cpus - 1}\n` : '0\n');
  writeFileSync(join(dir, 'proc/interrupts'), `${Array.from({ length: cpus }, (_, i) => `CPU${i}`).join(' ')}\n`);
  for (const nic of options.interfaces ?? []) {
    mkdirSync(join(dir, 'sys/class/net', nic.name), { recursive: true });
    writeFileSync(join(dir, 'sys/class/net', nic.name, 'address'), `${nic.mac}\n`);
  }
}
