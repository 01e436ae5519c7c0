/**
 * Command templates from `[Accounts] *_cmd` (behaviour spec §0.2 rule 1): split on whitespace
 * into argv, with `{user}`, `{group}` and `{groups}` replacing whole tokens only, so a value can
 * never add or split arguments. Pure; running the argv is users.ts's job.
 */
import { GuestError } from '../core/errors.js';

/** Values for the placeholders a template may use. */
export interface TemplateValues {
  readonly user?: string;
  readonly group?: string;
  /** Joined with commas for `{groups}`. */
  readonly groups?: readonly string[];
}

/**
 * The argv of `template` with placeholder tokens replaced. A token that merely contains a
 * placeholder (`--name={user}`) is left as written. Throws when the template is empty or uses a
 * placeholder this command has no value for.
 */
export function renderCommand(template: string, values: TemplateValues): string[] {
  const tokens = template.split(/\s+/).filter((t) => t !== '');
  if (tokens.length === 0) throw new GuestError('E_CONFIG', 'empty command template');
  const table = new Map<string, string | undefined>([
    ['{user}', values.user],
    ['{group}', values.group],
    ['{groups}', values.groups?.join(',')],
  ]);
  return tokens.map((token) => {
    if (!table.has(token)) return token;
    const value = table.get(token);
    if (value === undefined || value === '') {
      throw new GuestError('E_CONFIG', `command template "${template}" uses ${token}, which has no value here`);
    }
    return value;
  });
}
