/**
 * Parsing of metadata SSH key lines (`user:key`) and validation of the key part as a single
 * authorized_keys entry (behaviour spec §5.2 steps 2–4). Pure. It must not decide which
 * attributes are read (desired.ts) or anything about expiry beyond exposing the comment.
 */
import { userNameProblem } from './names.js';

/** One authorized_keys entry, split into its parts. */
export interface AuthorizedKey {
  /** The options prefix (`from="…",no-pty`), or '' when there is none. */
  readonly options: string;
  readonly type: string;
  readonly blob: string;
  /** Everything after the blob, trimmed ('' when absent). */
  readonly comment: string;
}

/** A metadata line that names a user and carries one valid key. */
export interface KeyLine {
  readonly ok: true;
  readonly user: string;
  /** The key text exactly as it will be written (trimmed, single line). */
  readonly key: string;
  readonly parsed: AuthorizedKey;
}

/** A metadata line that was refused; `user` is set only when it is safe to print. */
export interface RejectedLine {
  readonly ok: false;
  readonly user: string | undefined;
  readonly reason: string;
}

const PLAIN_TYPES = /^(?:ssh-rsa|ssh-dss|ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521))(?:-cert-v01@openssh\.com)?$/;
const SK_TYPES = /^sk-[a-z0-9-]+@openssh\.com$/;
const BLOB = /^[A-Za-z0-9+/]+={0,2}$/;
const OPTION = '[A-Za-z0-9-]+(?:="(?:[^"\\\\]|\\\\.)*")?';
const OPTIONS = new RegExp(`^${OPTION}(?:,${OPTION})*$`);
/** Printable ASCII only: no control characters (CR, NUL, TAB, ESC…) and nothing beyond 0x7e. */
const PRINTABLE = /^[\x20-\x7e]*$/;

/** True when `type` is a key type sshd accepts in authorized_keys. */
export function isKeyType(type: string): boolean {
  return PLAIN_TYPES.test(type) || SK_TYPES.test(type);
}

/** Length of the options prefix: up to the first space outside double quotes. */
function optionsLength(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\\' && quoted) i += 1;
    else if (c === '"') quoted = !quoted;
    else if (c === ' ' && !quoted) return i;
  }
  return text.length;
}

/** Parses one authorized_keys entry, or returns why it is not one. */
export function parseAuthorizedKey(text: string): AuthorizedKey | string {
  const entry = text.trim();
  if (entry === '') return 'empty key';
  if (!PRINTABLE.test(entry)) return 'key has control or non-ASCII characters';
  let options = '';
  let rest = entry;
  const first = entry.split(' ', 1)[0] ?? '';
  if (!isKeyType(first)) {
    const n = optionsLength(entry);
    options = entry.slice(0, n);
    if (!OPTIONS.test(options)) return 'unknown key type';
    rest = entry.slice(n).trimStart();
  }
  const typeEnd = rest.indexOf(' ');
  const type = typeEnd < 0 ? rest : rest.slice(0, typeEnd);
  if (!isKeyType(type)) return 'unknown key type';
  if (typeEnd < 0) return 'key has no base64 part';
  const afterType = rest.slice(typeEnd).trimStart();
  const blobEnd = afterType.indexOf(' ');
  const blob = blobEnd < 0 ? afterType : afterType.slice(0, blobEnd);
  if (!BLOB.test(blob)) return 'key base64 part is malformed';
  const comment = blobEnd < 0 ? '' : afterType.slice(blobEnd).trim();
  return { options, type, blob, comment };
}

/** The user part of a refused line, if it is short printable text worth naming in a log. */
function printableUser(line: string): string | undefined {
  const idx = line.indexOf(':');
  if (idx <= 0) return undefined;
  const user = line.slice(0, idx).trim();
  return user !== '' && user.length <= 64 && PRINTABLE.test(user) ? user : undefined;
}

/**
 * Parses one metadata line. Returns undefined for a blank line (silently skipped), otherwise a
 * `KeyLine` or a `RejectedLine` whose reason never contains key material.
 */
export function parseKeyLine(raw: string): KeyLine | RejectedLine | undefined {
  const line = raw.trim();
  if (line === '') return undefined;
  if (!PRINTABLE.test(line)) {
    return { ok: false, user: printableUser(line), reason: 'line has control or non-ASCII characters' };
  }
  const idx = line.indexOf(':');
  if (idx < 0) return { ok: false, user: undefined, reason: 'line has no ":"' };
  const user = line.slice(0, idx).trim();
  const key = line.slice(idx + 1).trim();
  if (user === '') return { ok: false, user: undefined, reason: 'empty user name' };
  const nameProblem = userNameProblem(user);
  if (nameProblem) return { ok: false, user: printableUser(line), reason: nameProblem };
  if (key === '') return { ok: false, user, reason: 'empty key' };
  const parsed = parseAuthorizedKey(key);
  if (typeof parsed === 'string') return { ok: false, user, reason: parsed };
  return { ok: true, user, key, parsed };
}

/** Splits an attribute value into lines (LF; a trailing CR is removed by the trim in parseKeyLine). */
export function splitKeyLines(value: string): string[] {
  return value.split('\n');
}
