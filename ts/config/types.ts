/**
 * The typed, validated configuration every component reads. Built by `load.ts` from the layers
 * `defaults < .distro < instance_configs.cfg < .template` (behaviour spec §2.4); features never
 * see raw INI text. Types only.
 */

export interface AccountsConfig {
  readonly deprovisionRemove: boolean;
  /** Extra groups for created accounts; only groups that exist are used. */
  readonly groups: readonly string[];
  readonly useraddCmd: string;
  readonly usermodCmd: string;
  readonly userdelCmd: string;
  readonly groupaddCmd: string;
  readonly gpasswdAddCmd: string;
  readonly gpasswdRemoveCmd: string;
}

export interface DaemonsConfig {
  readonly accountsDaemon: boolean;
  readonly clockSkewDaemon: boolean;
  readonly ipForwardingDaemon: boolean;
}

export interface ClockSkewConfig {
  /** Command run on a drift-token change; `hwclock` is looked up in /sbin then /usr/sbin under the root. */
  readonly hwclockCmd: string;
}

export interface InstanceSection {
  /** Decimal string, '0' when never recorded. */
  readonly instanceId: string;
}

export interface InstanceSetupConfig {
  readonly hostKeyTypes: readonly string[];
  readonly networkEnabled: boolean;
  readonly optimizeLocalSsd: boolean;
  readonly setBotoConfig: boolean;
  readonly setHostKeys: boolean;
  readonly setMultiqueue: boolean;
}

export interface IpForwardingConfig {
  /** Route protocol id, 1–255. */
  readonly ethernetProtoId: number;
  readonly ipAliases: boolean;
  readonly targetInstanceIps: boolean;
}

export interface MetadataScriptsConfig {
  readonly startup: boolean;
  readonly shutdown: boolean;
  readonly defaultShell: string;
  /** '' means the runner's default directory. */
  readonly runDir: string;
}

export interface LoggingConfig {
  /** '' or `udp://host:port` / `tcp://host:port`. */
  readonly syslogTarget: string;
}

export interface InstanceConfig {
  readonly accounts: AccountsConfig;
  readonly daemons: DaemonsConfig;
  readonly clockSkew: ClockSkewConfig;
  readonly instance: InstanceSection;
  readonly instanceSetup: InstanceSetupConfig;
  readonly ipForwarding: IpForwardingConfig;
  readonly metadataScripts: MetadataScriptsConfig;
  readonly logging: LoggingConfig;
}

/** Deep partial, for tests that override a few options over the defaults. */
export type ConfigOverrides = {
  readonly [S in keyof InstanceConfig]?: Partial<InstanceConfig[S]>;
};
