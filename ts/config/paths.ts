/**
 * Machine paths of the configuration family (behaviour spec §0.1, §2.4). Every path is a machine
 * path, resolved under the sandbox root by the injected `RootedFs`/`Locks`; constants only.
 */

/** The generated configuration the daemons and administrators read. */
export const CONFIG_PATH = '/etc/default/instance_configs.cfg';

/** The administrator's overrides; never written by the project. */
export const TEMPLATE_PATH = `${CONFIG_PATH}.template`;

/** Distribution defaults; never written at runtime. */
export const DISTRO_PATH = `${CONFIG_PATH}.distro`;

/** The values last generated into the cfg, used to tell an administrator's edits apart (§2.4). */
export const GENERATED_RECORD_PATH = '/var/lib/google/instance_configs.generated';

/** Write lock held while the cfg and its record are regenerated. */
export const CONFIG_LOCK_PATH = '/var/lock/google_instance_configs.lock';

/** The program that regenerates the cfg; named in the generated header. */
export const INSTANCE_SETUP_BIN = '/usr/bin/google_instance_setup';
