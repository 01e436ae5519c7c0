/**
 * Key expiry (behaviour spec §5.3): the `google-ssh {"expireOn": …}` comment, the accepted time
 * forms, and the earliest pending expiry a daemon should wake up for. Pure: the current time is
 * always a parameter, never read here.
 */

/** What a key's comment says about its expiry. */
export type KeyExpiry =
  | { readonly kind: 'none' }
  | { readonly kind: 'at'; readonly ms: number }
  | { readonly kind: 'invalid'; readonly reason: string };

const TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2}|[+-]\d{4})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Milliseconds since the epoch for `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM|±HHMM)`, or undefined
 * when the text is not exactly that form or names an impossible date.
 */
export function parseExpireOn(text: string): number | undefined {
  const m = TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number, number, number, number, number, number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const zone = m[8] ?? 'Z';
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2, 4));
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC maps years 0–99 to 1900–1999; the regex allows them, so undo that quirk.
  const fixed = year < 100 ? new Date(utc).setUTCFullYear(year) : utc;
  return fixed - offsetMinutes * 60_000;
}

/** Reads the expiry from a key comment; only a comment starting with `google-ssh` has one. */
export function keyExpiry(comment: string): KeyExpiry {
  const trimmed = comment.trim();
  const head = trimmed.split(' ', 1)[0];
  if (head !== 'google-ssh') return { kind: 'none' };
  const json = trimmed.slice('google-ssh'.length).trim();
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return { kind: 'invalid', reason: 'google-ssh comment is not valid JSON' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { kind: 'invalid', reason: 'google-ssh comment is not a JSON object' };
  }
  const expireOn = (data as Record<string, unknown>)['expireOn'];
  if (expireOn === undefined) return { kind: 'invalid', reason: 'google-ssh comment has no expireOn' };
  if (typeof expireOn !== 'string') return { kind: 'invalid', reason: 'expireOn is not a string' };
  const ms = parseExpireOn(expireOn);
  if (ms === undefined) return { kind: 'invalid', reason: 'expireOn is not a recognised time' };
  return { kind: 'at', ms };
}

/** True when a key with this expiry must not be installed at `nowMs` (strictly after expireOn). */
export function isExpired(expiry: KeyExpiry, nowMs: number): boolean {
  return expiry.kind === 'at' && nowMs > expiry.ms;
}
