/**
 * Chooses the scripts to run from one metadata snapshot (behaviour spec §9): instance attributes
 * when they carry either `<type>-script` or `<type>-script-url`, project attributes otherwise;
 * inline first, then URL. Pure; it must not read files, fetch URLs or log.
 */
import type { MetadataSnapshot } from '../../metadata/snapshot.js';
import type { ScriptSelection, ScriptSource, ScriptType } from './types.js';

/** The two attribute keys of a type, inline first (the run order). */
export function scriptKeys(type: ScriptType): { readonly inline: string; readonly url: string } {
  return { inline: `${type}-script`, url: `${type}-script-url` };
}

/**
 * The scripts one attribute map asks for. A value that is empty or only whitespace counts as
 * unset (as in 2016, where an empty value was falsy), so it neither runs nor hides the project's.
 */
function fromAttributes(attrs: Readonly<Record<string, string>>, type: ScriptType): ScriptSource[] {
  const keys = scriptKeys(type);
  const out: ScriptSource[] = [];
  const inline = attrs[keys.inline];
  if (inline !== undefined && inline.trim() !== '') {
    out.push({ kind: 'inline', key: keys.inline, body: inline.replace(/^\s+/, '') });
  }
  const url = attrs[keys.url];
  if (url !== undefined && url.trim() !== '') {
    out.push({ kind: 'url', key: keys.url, url: url.trim() });
  }
  return out;
}

/** The scripts of `type` that metadata asks for, in run order, and where they came from. */
export function selectScripts(snapshot: MetadataSnapshot, type: ScriptType): ScriptSelection {
  const instance = fromAttributes(snapshot.instance.attributes, type);
  if (instance.length > 0) return { scope: 'instance', scripts: instance };
  const project = fromAttributes(snapshot.project.attributes, type);
  if (project.length > 0) return { scope: 'project', scripts: project };
  return { scope: 'none', scripts: [] };
}
