/**
 * The data the metadata script runner passes between its steps: the script type, the scripts
 * metadata asks for and the plan entries printed by --dry-run. Types only; no logic, no effects.
 */

/** Which unit is running: `google-startup-scripts` or `google-shutdown-scripts`. */
export type ScriptType = 'startup' | 'shutdown';

/** Both script types, in the order the CLI lists them. */
export const SCRIPT_TYPES: readonly ScriptType[] = ['startup', 'shutdown'];

/** An inline script: the attribute value itself (leading whitespace already stripped). */
export interface InlineScript {
  readonly kind: 'inline';
  /** `<type>-script`: names the log lines and the file in the private directory. */
  readonly key: string;
  readonly body: string;
}

/** A script to download first: the URL exactly as metadata gave it (trimmed). */
export interface UrlScript {
  readonly kind: 'url';
  /** `<type>-script-url`. */
  readonly key: string;
  readonly url: string;
}

export type ScriptSource = InlineScript | UrlScript;

/** Where the scripts came from: instance attributes win whenever they name either key. */
export type ScriptScope = 'instance' | 'project' | 'none';

/** What metadata asks the runner to run, in run order (inline first, then URL). */
export interface ScriptSelection {
  readonly scope: ScriptScope;
  readonly scripts: readonly ScriptSource[];
}
