/**
 * The generation merge of instance setup (behaviour spec §2.4, rules 1–4): from the texts of
 * `.template`, the existing cfg, `.distro` and the generated-values record, the new cfg text and
 * the new record text. Pure: it must not read or write files; `load.ts` does that under the lock.
 */
import { formatIni } from './format.js';
import { parseIni, type IniDocument, type ReadonlyIniDocument } from './parse.js';
import { CONFIG_PATH, DISTRO_PATH, GENERATED_RECORD_PATH, INSTANCE_SETUP_BIN, TEMPLATE_PATH } from './paths.js';
import { DEFAULTS_DOC, defaultText, findOption } from './schema.js';

/** The current texts of the layers; undefined when a file does not exist. */
export interface GenerationInput {
  readonly template?: string | undefined;
  readonly cfg?: string | undefined;
  readonly distro?: string | undefined;
  /** `/var/lib/google/instance_configs.generated`. */
  readonly record?: string | undefined;
  /** Instance id to record in `[Instance] instance_id`; undefined keeps the cfg's. */
  readonly instanceId?: string | undefined;
}

/** What to write. Each text is written only when its `…Changed` flag is set. */
export interface GenerationResult {
  readonly cfgText: string;
  readonly recordText: string;
  readonly cfgChanged: boolean;
  readonly recordChanged: boolean;
  /**
   * Problems only the merge sees (the record file, a bad instance id). Problems in the three
   * configuration files are `loadConfig`'s to report, so they are not repeated here.
   */
  readonly warnings: string[];
}

/** Header of the generated cfg; the first words are kept from 2016 for tools that look for them. */
export const CONFIG_HEADER: readonly string[] = [
  'This file is automatically created at boot time by',
  `${INSTANCE_SETUP_BIN}. Settings in`,
  `${TEMPLATE_PATH} always win. Values edited`,
  'directly in this file are kept when it is regenerated; every other option',
  `comes from ${DISTRO_PATH} or the built-in defaults.`,
];

/** Header of the record file. */
export const RECORD_HEADER: readonly string[] = [
  `Values ${INSTANCE_SETUP_BIN} generated into`,
  `${CONFIG_PATH}. A value in that file that differs`,
  'from this record was set by the administrator and is kept. Do not edit.',
];

function set(doc: IniDocument, section: string, option: string, value: string): void {
  const options = doc.get(section) ?? new Map<string, string>();
  doc.set(section, options);
  options.set(option, value);
}

/** Every (section, option) set in any of `docs`, as `[section, option]` pairs without repeats. */
function allKeys(docs: readonly ReadonlyIniDocument[]): [string, string][] {
  const seen = new Set<string>();
  const keys: [string, string][] = [];
  for (const doc of docs) {
    for (const [section, options] of doc) {
      for (const option of options.keys()) {
        const key = `${section}\n${option}`;
        if (seen.has(key)) continue;
        seen.add(key);
        keys.push([section, option]);
      }
    }
  }
  return keys;
}

/**
 * Builds the new cfg: `.template` wins (rule 1); a cfg value that differs from the record — or
 * any cfg value when there is no record — is the administrator's and is kept (rule 2); otherwise
 * `.distro`, else the built-in default (rule 3); `[Instance] instance_id` comes from the caller,
 * else the existing cfg (rule 4). The record lists only generated values, so an administrator's
 * value never becomes "generated" and is kept on every later run too.
 */
export function generateConfig(input: GenerationInput): GenerationResult {
  const warnings: string[] = [];
  const template = parseIni(input.template ?? '', TEMPLATE_PATH).doc;
  const cfg = parseIni(input.cfg ?? '', CONFIG_PATH).doc;
  const distro = parseIni(input.distro ?? '', DISTRO_PATH).doc;
  const parsedRecord = input.record === undefined ? undefined : parseIni(input.record, GENERATED_RECORD_PATH);
  if (parsedRecord) warnings.push(...parsedRecord.warnings);
  const record = parsedRecord?.doc;
  let instanceId = input.instanceId?.trim();
  if (instanceId !== undefined && !/^[0-9]+$/.test(instanceId)) {
    warnings.push(`instance id ${JSON.stringify(input.instanceId)} is not a decimal number; not recorded`);
    instanceId = undefined;
  }

  const out: IniDocument = new Map();
  const generated: IniDocument = new Map();
  for (const [section, option] of allKeys([template, cfg, distro, DEFAULTS_DOC])) {
    const fromTemplate = template.get(section)?.get(option);
    const fromCfg = cfg.get(section)?.get(option);
    const fromDistro = distro.get(section)?.get(option);
    const spec = findOption(section, option);
    if (spec?.generatorOwned) {
      set(out, section, option, instanceId ?? fromCfg ?? defaultText(spec));
      continue;
    }
    const userSet = fromCfg !== undefined && record?.get(section)?.get(option) !== fromCfg;
    let value: string | undefined;
    if (fromTemplate !== undefined) value = fromTemplate;
    else if (userSet) {
      set(out, section, option, fromCfg);
      continue;
    } else value = fromDistro ?? DEFAULTS_DOC.get(section)?.get(option);
    // Undefined here: a value generated earlier whose source (template or distro) dropped it.
    if (value === undefined) continue;
    set(out, section, option, value);
    set(generated, section, option, value);
  }

  // Empty sections of the re-read layers are kept too (a user wrote them); cfg-only ones would stick.
  for (const name of [...template.keys(), ...distro.keys()]) if (!out.has(name)) out.set(name, new Map());

  const cfgText = formatIni(out, CONFIG_HEADER);
  const recordText = formatIni(generated, RECORD_HEADER);
  return {
    cfgText,
    recordText,
    cfgChanged: cfgText !== input.cfg,
    recordChanged: recordText !== input.record,
    warnings,
  };
}
