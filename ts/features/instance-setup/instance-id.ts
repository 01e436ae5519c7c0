/**
 * First-boot detection (behaviour spec §8.5 "New instance?"): the instance ids recorded on disk —
 * `[Instance] instance_id` of the generated cfg and the first line of `/etc/google_instance_id`
 * (written by Google's newer agent) — compared as strings with the metadata id, so ids above 2^53
 * compare exactly. The comparison and parsing are pure; `readInstanceIdRecords` only reads.
 * Recording a new id is not done here: the cfg generator writes it (config-step.ts).
 */
import { CONFIG_PATH } from '../../config/paths.js';
import { parseIni } from '../../config/parse.js';
import type { RootedFs } from '../../os/types.js';

/** Where Google's Go agent records the instance id. */
export const INSTANCE_ID_FILE = '/etc/google_instance_id';

/** The recorded ids; undefined when a source has none. */
export interface InstanceIdRecords {
  /** `[Instance] instance_id` of the generated cfg (`0`, the default, counts as none). */
  readonly cfgId?: string | undefined;
  /** First line of `/etc/google_instance_id`. */
  readonly fileId?: string | undefined;
}

/** The id in the generated cfg's text, or undefined when unset or `0`. */
export function cfgInstanceId(cfgText: string | undefined): string | undefined {
  if (cfgText === undefined) return undefined;
  const value = parseIni(cfgText, CONFIG_PATH).doc.get('Instance')?.get('instance_id')?.trim();
  return value === undefined || value === '' || value === '0' ? undefined : value;
}

/** The first line of `/etc/google_instance_id`, trimmed; undefined when missing or empty. */
export function fileInstanceId(text: string | undefined): string | undefined {
  const first = text?.split('\n', 1)[0]?.trim();
  return first === undefined || first === '' ? undefined : first;
}

/**
 * True unless `metadataId` equals one of the recorded ids. No record at all is the image's first
 * boot, so it is a new instance too.
 */
export function isNewInstance(metadataId: string, records: InstanceIdRecords): boolean {
  const id = metadataId.trim();
  return id !== records.cfgId && id !== records.fileId;
}

/** Reads both records through the machine root. */
export async function readInstanceIdRecords(fs: Pick<RootedFs, 'readText'>): Promise<InstanceIdRecords> {
  const [cfgText, fileText] = await Promise.all([fs.readText(CONFIG_PATH), fs.readText(INSTANCE_ID_FILE)]);
  return { cfgId: cfgInstanceId(cfgText), fileId: fileInstanceId(fileText) };
}
