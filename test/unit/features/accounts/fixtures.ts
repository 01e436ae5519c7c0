/**
 * Builders of desired and observed accounts state for the pure planner tests: plain data, no
 * machine. Defaults describe a converged machine with no Google users.
 */
import type {
  AccountEntry,
  AccountsDesired,
  AccountsObserved,
  GroupEntry,
  KeyFileState,
} from '../../../../ts/features/accounts/types.js';
import { formatState } from '../../../../ts/features/accounts/state.js';

export const KEY_A = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIaaaa alice';
export const KEY_B = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIbbbb bob';

/** Desired state: user → keys, plus options. */
export function want(users: Record<string, string[]>, over: Partial<AccountsDesired> = {}): AccountsDesired {
  return {
    nowMs: 0,
    users: Object.keys(users)
      .sort()
      .map((name) => ({ name, keys: (users[name] ?? []).map((text) => ({ text, expiresAtMs: undefined })) })),
    groups: ['adm', 'docker', 'video'],
    deprovisionRemove: false,
    problems: [],
    ...over,
  };
}

let nextUid = 1001;

/** A regular local account. */
export function account(name: string, over: Partial<AccountEntry> = {}): AccountEntry {
  nextUid += 1;
  return { name, uid: nextUid, gid: nextUid, home: `/home/${name}`, shell: '/bin/bash', source: 'files', ...over };
}

export interface ObservedSpec {
  accounts?: AccountEntry[];
  /** group → members; google-sudoers exists unless listed as null. */
  groups?: Record<string, string[] | null>;
  managed?: string[];
  created?: string[];
  /** Raw state texts when they must differ from the canonical format. */
  managedText?: string;
  createdText?: string;
  sudoersPresent?: boolean;
  /** user → Google keys currently in the file, or a non-ok state. */
  keys?: Record<string, string[] | KeyFileState>;
  lookupFailed?: string[];
  uidMin?: number;
}

/** Observed state from a compact spec. */
export function seen(spec: ObservedSpec = {}): AccountsObserved {
  const groupSpec: Record<string, string[] | null> = { 'google-sudoers': [], adm: [], docker: [], ...spec.groups };
  const groups = new Map<string, GroupEntry>();
  let gid = 100;
  for (const [name, members] of Object.entries(groupSpec)) {
    gid += 1;
    if (members !== null) groups.set(name, { name, gid, members });
  }
  const accounts = new Map((spec.accounts ?? []).map((a) => [a.name, a]));
  const keyFiles = new Map<string, KeyFileState>();
  for (const [name, v] of Object.entries(spec.keys ?? {})) {
    keyFiles.set(name, Array.isArray(v) ? { kind: 'ok', googleKeys: v } : v);
  }
  // Accounts with no key spec have an empty, readable authorized_keys.
  for (const a of accounts.values()) if (!keyFiles.has(a.name)) keyFiles.set(a.name, { kind: 'ok', googleKeys: [] });
  const managed = spec.managed ?? [];
  const created = spec.created ?? [];
  return {
    accounts,
    lookupFailed: new Set(spec.lookupFailed ?? []),
    groups,
    localNames: new Set([...accounts.values()].filter((a) => a.source === 'files').map((a) => a.name)),
    uidMin: spec.uidMin ?? 1000,
    managed,
    created,
    managedText: spec.managedText ?? formatState(managed),
    createdText: spec.createdText ?? formatState(created),
    sudoersPresent: spec.sudoersPresent ?? true,
    keyFiles,
    problems: [],
  };
}
