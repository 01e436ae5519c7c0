/**
 * Which accounts the project may touch (behaviour spec §5.4): excluded, created or adopted,
 * tested in that order. Pure; it only reads the facts observe collected and must never widen
 * what the project may do to an account it did not create.
 */
import type { AccountEntry } from './types.js';

/** The class of an account (§5.4) and, when excluded, why. */
export type AccountClass =
  | { readonly kind: 'excluded'; readonly reason: string }
  | { readonly kind: 'created' }
  | { readonly kind: 'adopted' };

const NO_LOGIN_SHELLS = new Set(['nologin', 'false']);

function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Why the project must leave this account alone, or undefined when it may manage it. */
export function exclusionReason(account: AccountEntry, uidMin: number): string | undefined {
  if (account.uid === 0) return 'uid 0';
  if (account.uid < uidMin) return `uid ${account.uid} is below UID_MIN ${uidMin}`;
  if (NO_LOGIN_SHELLS.has(basename(account.shell))) return `login shell ${account.shell}`;
  return undefined;
}

/**
 * The class of an existing account. `created` requires the name in google_users.created and
 * the account in the local passwd file: an NSS-only account is never ours to change.
 */
export function classifyAccount(
  account: AccountEntry,
  uidMin: number,
  created: ReadonlySet<string>,
): AccountClass {
  const reason = exclusionReason(account, uidMin);
  if (reason !== undefined) return { kind: 'excluded', reason };
  if (created.has(account.name) && account.source === 'files') return { kind: 'created' };
  return { kind: 'adopted' };
}
