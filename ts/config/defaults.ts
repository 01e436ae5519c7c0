/**
 * Built-in defaults (behaviour spec §2.4): the INI text written into a generated
 * `instance_configs.cfg`, and the same values typed. Every option has an explicit default and a
 * missing option never means true. A unit test keeps the two forms identical.
 */
import type { ConfigOverrides, InstanceConfig } from './types.js';

/** The built-in layer, exactly as generated files spell the values. */
export const DEFAULTS_INI = `[Accounts]
deprovision_remove = false
groups = adm,dip,docker,lxd,plugdev,video
useradd_cmd = useradd -m -s /bin/bash -p * {user}
usermod_cmd = usermod -G {groups} {user}
userdel_cmd = userdel -r {user}
groupadd_cmd = groupadd {group}
gpasswd_add_cmd = gpasswd -a {user} {group}
gpasswd_remove_cmd = gpasswd -d {user} {group}

[Daemons]
accounts_daemon = true
clock_skew_daemon = true
ip_forwarding_daemon = true

[ClockSkew]
hwclock_cmd = hwclock --hctosys --utc --noadjfile

[Instance]
instance_id = 0

[InstanceSetup]
host_key_types = ecdsa,ed25519,rsa
network_enabled = true
optimize_local_ssd = true
set_boto_config = true
set_host_keys = true
set_multiqueue = true

[IpForwarding]
ethernet_proto_id = 66
ip_aliases = true
target_instance_ips = true

[MetadataScripts]
startup = true
shutdown = true
default_shell = /bin/bash
run_dir =

[Logging]
syslog_target =
`;

export const DEFAULT_CONFIG: InstanceConfig = {
  accounts: {
    deprovisionRemove: false,
    groups: ['adm', 'dip', 'docker', 'lxd', 'plugdev', 'video'],
    useraddCmd: 'useradd -m -s /bin/bash -p * {user}',
    usermodCmd: 'usermod -G {groups} {user}',
    userdelCmd: 'userdel -r {user}',
    groupaddCmd: 'groupadd {group}',
    gpasswdAddCmd: 'gpasswd -a {user} {group}',
    gpasswdRemoveCmd: 'gpasswd -d {user} {group}',
  },
  daemons: { accountsDaemon: true, clockSkewDaemon: true, ipForwardingDaemon: true },
  clockSkew: { hwclockCmd: 'hwclock --hctosys --utc --noadjfile' },
  instance: { instanceId: '0' },
  instanceSetup: {
    hostKeyTypes: ['ecdsa', 'ed25519', 'rsa'],
    networkEnabled: true,
    optimizeLocalSsd: true,
    setBotoConfig: true,
    setHostKeys: true,
    setMultiqueue: true,
  },
  ipForwarding: { ethernetProtoId: 66, ipAliases: true, targetInstanceIps: true },
  metadataScripts: { startup: true, shutdown: true, defaultShell: '/bin/bash', runDir: '' },
  logging: { syslogTarget: '' },
};

/** The defaults with some options replaced (tests and callers that build configs in code). */
export function configWith(overrides: ConfigOverrides): InstanceConfig {
  return {
    accounts: { ...DEFAULT_CONFIG.accounts, ...overrides.accounts },
    daemons: { ...DEFAULT_CONFIG.daemons, ...overrides.daemons },
    clockSkew: { ...DEFAULT_CONFIG.clockSkew, ...overrides.clockSkew },
    instance: { ...DEFAULT_CONFIG.instance, ...overrides.instance },
    instanceSetup: { ...DEFAULT_CONFIG.instanceSetup, ...overrides.instanceSetup },
    ipForwarding: { ...DEFAULT_CONFIG.ipForwarding, ...overrides.ipForwarding },
    metadataScripts: { ...DEFAULT_CONFIG.metadataScripts, ...overrides.metadataScripts },
    logging: { ...DEFAULT_CONFIG.logging, ...overrides.logging },
  };
}
