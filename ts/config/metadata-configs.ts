/**
 * The `google-instance-configs` metadata attribute (2017–2019 Python only) is deliberately not
 * supported: anyone who can edit project metadata could change guest policy, for example turn on
 * destructive deprovisioning (behaviour spec §2.4). This module only words the warning; it must
 * not log (the caller logs it once, e.g. through `createLogOnce`) and never applies the value.
 */
import type { MetadataSnapshot } from '../metadata/snapshot.js';
import { TEMPLATE_PATH } from './paths.js';

/** The metadata key that older Google software read configuration from. */
export const INSTANCE_CONFIGS_ATTRIBUTE = 'google-instance-configs';

/** Key for "log once", so the warning is printed once per process however often metadata changes. */
export const INSTANCE_CONFIGS_LOG_KEY = 'config:google-instance-configs';

/**
 * The warning to log when the snapshot carries `google-instance-configs` at instance and/or
 * project level, else undefined.
 */
export function unsupportedMetadataConfigWarning(snapshot: MetadataSnapshot): string | undefined {
  const levels: string[] = [];
  if (Object.hasOwn(snapshot.instance.attributes, INSTANCE_CONFIGS_ATTRIBUTE)) levels.push('instance');
  if (Object.hasOwn(snapshot.project.attributes, INSTANCE_CONFIGS_ATTRIBUTE)) levels.push('project');
  if (levels.length === 0) return undefined;
  return (
    `metadata attribute ${INSTANCE_CONFIGS_ATTRIBUTE} (${levels.join(' and ')} level) is not supported ` +
    `and is ignored; set options in ${TEMPLATE_PATH} instead`
  );
}
