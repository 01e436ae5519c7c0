/**
 * User and group name rules for the accounts feature (behaviour spec §5.3). Pure. A name that
 * passes here can be handed to useradd/gpasswd as a whole argv token without being read as an
 * option, a path or a UID; this file must not decide anything else about accounts.
 */

const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,31}$/;

/** Why `name` cannot be a user name, or undefined when it is acceptable. */
export function userNameProblem(name: string): string | undefined {
  if (name === '') return 'empty user name';
  if (name.length > 32) return 'user name longer than 32 characters';
  if (name === '.' || name === '..') return 'user name is a path component';
  if (name.startsWith('-')) return 'user name starts with "-"';
  if (name.startsWith('.')) return 'user name starts with "."';
  if (!NAME_PATTERN.test(name)) return 'user name has characters outside [A-Za-z0-9._-]';
  if (/^[0-9]+$/.test(name)) return 'user name is all digits';
  return undefined;
}

/** True when `name` may be provisioned as a local account. */
export function isValidUserName(name: string): boolean {
  return userNameProblem(name) === undefined;
}

/**
 * Group names from configuration follow the same rule: they become whole argv tokens of
 * usermod/gpasswd templates, so they must not look like options either.
 */
export function isValidGroupName(name: string): boolean {
  return userNameProblem(name) === undefined;
}
