/**
 * The option table: which INI section and option feed which `InstanceConfig` field, with what
 * value kind. Defaults are not repeated here: their text comes from `DEFAULTS_INI` and their typed
 * form from `DEFAULT_CONFIG` (a unit test keeps table, text and typed defaults in step). Pure data.
 */
import { GuestError } from '../core/errors.js';
import { DEFAULTS_INI, DEFAULT_CONFIG } from './defaults.js';
import { parseIni, type ReadonlyIniDocument } from './parse.js';
import type { InstanceConfig } from './types.js';
import type { TypedValue, ValueKind } from './values.js';

/** One known option. */
export interface OptionSpec {
  readonly section: string;
  /** Lower case, as ConfigParser stores option names. */
  readonly option: string;
  readonly group: keyof InstanceConfig;
  readonly field: string;
  readonly kind: ValueKind;
  /** Set only by instance setup (`[Instance] instance_id`): read from the cfg layer alone. */
  readonly generatorOwned: boolean;
}

function spec<G extends keyof InstanceConfig>(
  section: string,
  option: string,
  group: G,
  field: keyof InstanceConfig[G] & string,
  kind: ValueKind,
  generatorOwned = false,
): OptionSpec {
  return { section, option, group, field, kind, generatorOwned };
}

/** Every option the project reads, in `DEFAULTS_INI` order. */
export const OPTION_SPECS: readonly OptionSpec[] = [
  spec('Accounts', 'deprovision_remove', 'accounts', 'deprovisionRemove', 'bool'),
  spec('Accounts', 'groups', 'accounts', 'groups', 'list'),
  spec('Accounts', 'useradd_cmd', 'accounts', 'useraddCmd', 'command'),
  spec('Accounts', 'usermod_cmd', 'accounts', 'usermodCmd', 'command'),
  spec('Accounts', 'userdel_cmd', 'accounts', 'userdelCmd', 'command'),
  spec('Accounts', 'groupadd_cmd', 'accounts', 'groupaddCmd', 'command'),
  spec('Accounts', 'gpasswd_add_cmd', 'accounts', 'gpasswdAddCmd', 'command'),
  spec('Accounts', 'gpasswd_remove_cmd', 'accounts', 'gpasswdRemoveCmd', 'command'),
  spec('Daemons', 'accounts_daemon', 'daemons', 'accountsDaemon', 'bool'),
  spec('Daemons', 'clock_skew_daemon', 'daemons', 'clockSkewDaemon', 'bool'),
  spec('Daemons', 'ip_forwarding_daemon', 'daemons', 'ipForwardingDaemon', 'bool'),
  spec('ClockSkew', 'hwclock_cmd', 'clockSkew', 'hwclockCmd', 'command'),
  spec('Instance', 'instance_id', 'instance', 'instanceId', 'decimal-id', true),
  spec('InstanceSetup', 'host_key_types', 'instanceSetup', 'hostKeyTypes', 'list'),
  spec('InstanceSetup', 'network_enabled', 'instanceSetup', 'networkEnabled', 'bool'),
  spec('InstanceSetup', 'optimize_local_ssd', 'instanceSetup', 'optimizeLocalSsd', 'bool'),
  spec('InstanceSetup', 'set_boto_config', 'instanceSetup', 'setBotoConfig', 'bool'),
  spec('InstanceSetup', 'set_host_keys', 'instanceSetup', 'setHostKeys', 'bool'),
  spec('InstanceSetup', 'set_multiqueue', 'instanceSetup', 'setMultiqueue', 'bool'),
  spec('IpForwarding', 'ethernet_proto_id', 'ipForwarding', 'ethernetProtoId', 'proto-id'),
  spec('IpForwarding', 'ip_aliases', 'ipForwarding', 'ipAliases', 'bool'),
  spec('IpForwarding', 'target_instance_ips', 'ipForwarding', 'targetInstanceIps', 'bool'),
  spec('MetadataScripts', 'startup', 'metadataScripts', 'startup', 'bool'),
  spec('MetadataScripts', 'shutdown', 'metadataScripts', 'shutdown', 'bool'),
  spec('MetadataScripts', 'default_shell', 'metadataScripts', 'defaultShell', 'abs-path'),
  spec('MetadataScripts', 'run_dir', 'metadataScripts', 'runDir', 'abs-path-or-empty'),
  spec('Logging', 'syslog_target', 'logging', 'syslogTarget', 'syslog-target'),
];

const BY_KEY = new Map(OPTION_SPECS.map((s) => [`${s.section}\n${s.option}`, s]));
const SECTIONS = new Set(OPTION_SPECS.map((s) => s.section));

/** The built-in layer, parsed once; `DEFAULTS_INI` is a constant, so this cannot warn. */
export const DEFAULTS_DOC: ReadonlyIniDocument = parseIni(DEFAULTS_INI, 'built-in defaults').doc;

/** The spec of a known option (section exact, option case-insensitive), else undefined. */
export function findOption(section: string, option: string): OptionSpec | undefined {
  return BY_KEY.get(`${section}\n${option.toLowerCase()}`);
}

/** True for the sections the project reads. */
export function isKnownSection(section: string): boolean {
  return SECTIONS.has(section);
}

/** The documented default as written in generated files (`false`, `66`, `adm,dip,…`). */
export function defaultText(s: OptionSpec): string {
  return DEFAULTS_DOC.get(s.section)?.get(s.option) ?? '';
}

/** The documented default, typed. */
export function defaultValue(s: OptionSpec): TypedValue {
  const group = DEFAULT_CONFIG[s.group] as unknown as Readonly<Record<string, TypedValue>>;
  const value = group[s.field];
  // Unreachable while the schema test passes; kept so a table typo fails loudly, not silently.
  if (value === undefined) throw new GuestError('E_CONFIG_SCHEMA', `no default for [${s.section}] ${s.option}`);
  return value;
}
