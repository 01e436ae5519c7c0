/**
 * Observe for the accounts feature (behaviour spec §5.6 step 2): reads the account databases,
 * login.defs, the two state files, the sudoers file's presence and the Google lines of every
 * relevant authorized_keys. Reads only; spawns at most one process (`getent passwd`, and only
 * for names the passwd file lacks, never in a sandbox root).
 */
import type { Diagnostic } from '../../core/feature.js';
import type { Os } from '../../os/types.js';
import { lookupPasswdNss, readGroups, readPasswd, readUidMin } from '../../os/users.js';
import { classifyAccount } from './classify.js';
import { readKeyFile } from './key-files.js';
import { DEFAULT_UID_MIN, SUDOERS_PATH, statePath } from './paths.js';
import { stateTrustProblem } from './state-dir.js';
import { parseState } from './state.js';
import type { AccountEntry, AccountsDesired, AccountsObserved, GroupEntry, KeyFileState } from './types.js';

/** Key files read at once: enough to hide per-file latency, few enough to keep descriptors low. */
const KEY_READ_CONCURRENCY = 8;

/** Runs `fn` over `items` with at most `limit` calls in flight. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function firstByName<T extends { name: string }>(entries: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  // The files backend of NSS answers with the first matching line; so do we.
  for (const e of entries) if (!map.has(e.name)) map.set(e.name, e);
  return map;
}

/** Reads what the machine looks like for this pass's desired and managed names. */
export async function observeAccounts(os: Os, desired: AccountsDesired, signal?: AbortSignal): Promise<AccountsObserved> {
  const distrust = await stateTrustProblem(os.fs);
  const readState = (file: 'google_users' | 'google_users.created'): Promise<string | undefined> =>
    distrust === undefined ? os.fs.readText(statePath(file)) : Promise.resolve(undefined);
  const [passwd, groupList, uidMin, managedText, createdText, sudoers] = await Promise.all([
    readPasswd(os.fs),
    readGroups(os.fs),
    readUidMin(os.fs),
    readState('google_users'),
    readState('google_users.created'),
    os.fs.lstat(SUDOERS_PATH),
  ]);
  const problems: Diagnostic[] = [];
  if (distrust !== undefined) {
    problems.push({ key: `state-trust:${distrust}`, level: 'error', message: `not using the accounts state: ${distrust}; every account is treated as adopted` });
  }
  const managed = parseState(managedText);
  const created = parseState(createdText);
  for (const [file, state] of [['google_users', managed], ['google_users.created', created]] as const) {
    for (const line of state.invalid) {
      problems.push({ key: `state:${file}:${line}`, level: 'warn', message: `ignoring invalid name ${JSON.stringify(line)} in ${statePath(file)}` });
    }
  }
  const local = firstByName(passwd);
  const names = [...new Set([...desired.users.map((u) => u.name), ...managed.names])].sort();
  const missing = names.filter((n) => !local.has(n));
  const nss = await lookupPasswdNss(os, missing, signal);
  const nssByName = firstByName(nss.entries);
  if (nss.failed !== undefined) {
    problems.push({ key: 'nss', level: 'warn', message: `NSS lookup failed, leaving ${missing.join(', ')} unchanged: ${nss.failed}` });
  }
  const accounts = new Map<string, AccountEntry>();
  for (const name of names) {
    const files = local.get(name);
    const other = nssByName.get(name);
    if (files) accounts.set(name, { ...files, source: 'files' });
    else if (other) accounts.set(name, { ...other, source: 'nss' });
  }
  const min = uidMin ?? DEFAULT_UID_MIN;
  const createdSet = new Set(created.names);
  // Excluded accounts are not even looked at: no reads under their homes.
  const readable = [...accounts.values()].filter((a) => classifyAccount(a, min, createdSet).kind !== 'excluded');
  const keyFiles = new Map<string, KeyFileState>();
  await forEachLimited(readable, KEY_READ_CONCURRENCY, async (account) => {
    keyFiles.set(account.name, await readKeyFile(os.fs, account));
  });
  return {
    accounts,
    lookupFailed: new Set(nss.failed !== undefined ? missing : []),
    groups: firstByName<GroupEntry>(groupList),
    localNames: new Set(local.keys()),
    uidMin: min,
    managed: managed.names,
    created: created.names,
    managedText: managedText ?? '',
    createdText: createdText ?? '',
    sudoersPresent: sudoers !== undefined,
    keyFiles,
    problems,
  };
}
