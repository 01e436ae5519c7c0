/**
 * The text of `/etc/boto.cfg` (behaviour spec §8.6): the administrator's `/etc/boto.cfg.template`
 * plus `[GSUtil] default_project_id` (the numeric project id, every digit), `default_api_version
 * = 2` and `[GoogleCompute] service_account = default`, template values winning, no `[Plugin]`
 * section, under the generated-file header. Pure: reading, locking and writing are boto-step.ts's.
 *
 * Why not `ini@5` for the output: its `stringify` escapes `;` and `#` inside values (`a\;b`),
 * quotes values with leading spaces and escapes dots in section names (`[s3\.x]`). boto reads the
 * file with Python's ConfigParser, which would take those backslashes and quotes literally, so
 * template values would be corrupted. The project's ConfigParser-compatible parser and formatter
 * (ts/config/parse.ts, format.ts) keep every value byte for byte.
 */
import { formatIni } from '../../config/format.js';
import { INSTANCE_SETUP_BIN } from '../../config/paths.js';
import { parseIni, type IniDocument } from '../../config/parse.js';

export const BOTO_PATH = '/etc/boto.cfg';
export const BOTO_TEMPLATE_PATH = '/etc/boto.cfg.template';
export const BOTO_LOCK_PATH = '/var/lock/google_boto.lock';

/** First words of every generated file, 2016's included: a file starting otherwise is the user's. */
export const GENERATED_MARK = '# This file is automatically created at boot time';

/** Header of the generated boto config (§2.4 style, naming the template). */
export const BOTO_HEADER: readonly string[] = [
  'This file is automatically created at boot time by',
  `${INSTANCE_SETUP_BIN}. Settings in`,
  `${BOTO_TEMPLATE_PATH} always win: edit that file, not this`,
  'one, which is rewritten whenever its content would change. To manage this',
  'file by hand instead, delete this header.',
];

/** True when `text` is a file instance setup generated (and may therefore rewrite). */
export function isGeneratedBoto(text: string): boolean {
  return text.replace(/^\uFEFF/, '').startsWith(GENERATED_MARK);
}

/** The built boto config and the template's problems (one log line each). */
export interface BotoText {
  readonly text: string;
  readonly warnings: string[];
}

/**
 * Builds the file from the template text (undefined or empty: no template) and the numeric
 * project id as text. The three generated options are added only where the template has none.
 */
export function buildBotoConfig(template: string | undefined, numericProjectId: string): BotoText {
  const parsed = parseIni(template ?? '', BOTO_TEMPLATE_PATH);
  const doc: IniDocument = parsed.doc;
  const add = (section: string, option: string, value: string): void => {
    const options = doc.get(section) ?? new Map<string, string>();
    doc.set(section, options);
    if (!options.has(option)) options.set(option, value);
  };
  add('GSUtil', 'default_project_id', numericProjectId);
  add('GSUtil', 'default_api_version', '2');
  add('GoogleCompute', 'service_account', 'default');
  return { text: formatIni(doc, BOTO_HEADER), warnings: parsed.warnings };
}

/** What to do with /etc/boto.cfg, decided from what is there now. */
export type BotoDecision =
  | { readonly kind: 'write'; readonly text: string }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'user-managed' };

/** Pure: write only over a missing or generated file, and only when the text differs. */
export function decideBoto(existing: string | undefined, wanted: string): BotoDecision {
  if (existing !== undefined && !isGeneratedBoto(existing)) return { kind: 'user-managed' };
  return existing === wanted ? { kind: 'unchanged' } : { kind: 'write', text: wanted };
}
