/**
 * Key spelling rules of the emulator (metadata-server.md §4.6, §11.2): built-in path names are
 * hyphenated in URLs and lowerCamelCase in recursive JSON, while user-chosen keys are literal.
 * Owns only these pure name rules; it must not know how documents are stored or served.
 */

/** Paths whose leaf holds a decimal id that recursive JSON emits as a bare number. */
const ID_PATHS: readonly string[] = ['instance/id', 'project/numeric-project-id'];

/** Keys whose array of scalars is a numbered directory rather than a newline list leaf. */
const NUMBERED_SCALAR_KEYS: ReadonlySet<string> = new Set(['forwarded-ips', 'forwarded-ipv6s', 'ip-aliases']);

/** Keys whose array is a numbered directory even when it is empty (so `[]` still lists). */
const NUMBERED_KEYS: ReadonlySet<string> = new Set([
  ...NUMBERED_SCALAR_KEYS,
  'disks',
  'network-interfaces',
  'access-configs',
  'licenses',
]);

/** `network-interfaces` → `networkInterfaces`: a hyphen before a letter or digit is dropped and the character upper-cased. */
export function toCamel(key: string): string {
  return key.replace(/-([A-Za-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** `networkInterfaces` → `network-interfaces`: the reverse of {@link toCamel} for imported dumps. */
export function toHyphen(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * True when the keys of the directory at `path` are user data and keep their spelling:
 * attribute maps, service-account names (emails contain hyphens) and guest-attribute namespaces
 * and keys.
 */
export function hasLiteralKeys(path: readonly string[]): boolean {
  const last = path[path.length - 1];
  if (last === 'attributes' || last === 'service-accounts') return true;
  return path[0] === 'instance' && path[1] === 'guest-attributes';
}

/** True for the two id leaves that are stored as strings and emitted as bare JSON numbers. */
export function isIdPath(path: readonly string[]): boolean {
  return ID_PATHS.includes(path.join('/'));
}

/** True when an array stored under `key` is a numbered directory (see metadata-server.md §11.2). */
export function isNumberedArray(key: string | undefined, items: readonly unknown[]): boolean {
  if (key !== undefined && NUMBERED_KEYS.has(key)) return true;
  return items.some((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
}

/** True for the directory that is served by its own endpoint and hidden from `instance/` views. */
export function isHiddenChild(path: readonly string[], key: string): boolean {
  return path.length === 1 && path[0] === 'instance' && key === 'guest-attributes';
}
