/**
 * The data the accounts feature passes between its steps: what metadata wants (desired), what
 * the machine has (observed) and the actions that close the gap. Types only; no logic here.
 */
import type { Diagnostic } from '../../core/feature.js';
import type { GroupEntry, PasswdEntry } from '../../os/users-files.js';

/** A group as read from /etc/group. */
export type { GroupEntry } from '../../os/users-files.js';

/** One key a user should have, with its expiry when the comment carries one. */
export interface DesiredKey {
  /** The authorized_keys entry, one line, exactly as written. */
  readonly text: string;
  /** Epoch milliseconds of `expireOn` for a key that has not expired yet. */
  readonly expiresAtMs: number | undefined;
}

/** A user metadata wants, with the keys to install. */
export interface DesiredUser {
  readonly name: string;
  /** In metadata order, duplicates and expired keys removed; never empty. */
  readonly keys: readonly DesiredKey[];
}

/** What metadata and configuration ask for at one moment. */
export interface AccountsDesired {
  /** The time the expiry decisions were made for. */
  readonly nowMs: number;
  /** Sorted by name; every user has at least one key. */
  readonly users: readonly DesiredUser[];
  /** Configured `[Accounts] groups` that are valid names (existence is checked against the machine). */
  readonly groups: readonly string[];
  readonly deprovisionRemove: boolean;
  /** Rejected lines, bad expiry comments, bad group names, the OS Login warning. */
  readonly problems: readonly Diagnostic[];
}

/** An account as found in /etc/passwd or through NSS. */
export interface AccountEntry extends PasswdEntry {
  /** 'files' when read from <root>/etc/passwd, 'nss' when found by getent. */
  readonly source: 'files' | 'nss';
}

/** The state of a user's authorized_keys as seen by observe. */
export type KeyFileState =
  | { readonly kind: 'ok'; readonly googleKeys: readonly string[] }
  /** The home directory does not exist, so keys are not written. */
  | { readonly kind: 'no-home' }
  /** A symlink, hard link or foreign owner was found; nothing may be written. */
  | { readonly kind: 'unsafe'; readonly reason: string };

/** What the machine looks like for the names that matter this pass. */
export interface AccountsObserved {
  /** Accounts of desired and managed names that exist (files first, then NSS). */
  readonly accounts: ReadonlyMap<string, AccountEntry>;
  /** Names whose NSS lookup failed: neither created nor removed this pass. */
  readonly lookupFailed: ReadonlySet<string>;
  readonly groups: ReadonlyMap<string, GroupEntry>;
  /** Names present in <root>/etc/passwd (a created account must be local). */
  readonly localNames: ReadonlySet<string>;
  readonly uidMin: number;
  /** Valid names in /var/lib/google/google_users, in file order. */
  readonly managed: readonly string[];
  /** Valid names in /var/lib/google/google_users.created, in file order. */
  readonly created: readonly string[];
  /** The two files' exact text ('' when missing), so rewrites happen only on a real change. */
  readonly managedText: string;
  readonly createdText: string;
  /** True when /etc/sudoers.d/google_sudoers exists in any form. */
  readonly sudoersPresent: boolean;
  /** authorized_keys of the accounts that may receive or lose Google keys. */
  readonly keyFiles: ReadonlyMap<string, KeyFileState>;
  /** Problems seen while reading (unreadable state lines, unsafe paths). */
  readonly problems: readonly Diagnostic[];
}

/** Where to write keys for an account that already existed when the pass observed it. */
export interface KeyTarget {
  readonly home: string;
  readonly uid: number;
  readonly gid: number;
}

/** One planned change; `describe.ts` decides what of it may be logged. */
export type AccountsAction =
  | { readonly kind: 'create-group'; readonly group: string }
  | { readonly kind: 'write-sudoers'; readonly path: string }
  | { readonly kind: 'create-user'; readonly user: string }
  | { readonly kind: 'set-initial-groups'; readonly user: string; readonly groups: readonly string[] }
  | { readonly kind: 'add-group-member'; readonly user: string; readonly group: string }
  | { readonly kind: 'remove-group-member'; readonly user: string; readonly group: string }
  /** `target` is absent for an account created earlier in the same pass (looked up after useradd). */
  | { readonly kind: 'write-keys'; readonly user: string; readonly keys: readonly string[]; readonly target?: KeyTarget }
  | { readonly kind: 'remove-keys'; readonly user: string; readonly target: KeyTarget }
  | { readonly kind: 'delete-user'; readonly user: string }
  | {
      readonly kind: 'write-state';
      readonly file: StateFile;
      /** The intended content (sorted names). */
      readonly names: readonly string[];
      /** The content observed; a name whose change depended on a failed action keeps its old status. */
      readonly previous: readonly string[];
    };

/** The two state files under /var/lib/google. */
export type StateFile = 'google_users' | 'google_users.created';
