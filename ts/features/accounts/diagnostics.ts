/**
 * Problems of one accounts pass to report through "log once" (behaviour spec §5.2–§5.4, §5.8):
 * rejected metadata lines, bad expiry comments, excluded accounts named in metadata, homes that
 * are missing and key paths that are refused. Pure; messages name users, never keys.
 */
import type { Diagnostic } from '../../core/feature.js';
import { classifyAccount } from './classify.js';
import type { AccountsDesired, AccountsObserved } from './types.js';

/** Everything worth one log line this pass (reconcile keeps repeats to one line). */
export function accountsDiagnostics(desired: AccountsDesired, observed: AccountsObserved): Diagnostic[] {
  const out: Diagnostic[] = [...desired.problems, ...observed.problems];
  const created = new Set(observed.created);
  for (const user of desired.users) {
    const account = observed.accounts.get(user.name);
    if (!account) continue;
    const cls = classifyAccount(account, observed.uidMin, created);
    if (cls.kind === 'excluded') {
      out.push({ key: `excluded:${user.name}`, level: 'info', message: `not managing user ${user.name}: ${cls.reason}` });
      continue;
    }
    const file = observed.keyFiles.get(user.name);
    if (file?.kind === 'no-home') {
      out.push({ key: `no-home:${user.name}`, level: 'warn', message: `not writing keys of user ${user.name}: home ${account.home} does not exist` });
    } else if (file?.kind === 'unsafe') {
      out.push({ key: `unsafe:${user.name}`, level: 'warn', message: `refusing to touch keys of user ${user.name}: ${file.reason}` });
    }
  }
  const wanted = new Set(desired.users.map((u) => u.name));
  for (const name of observed.managed) {
    if (wanted.has(name)) continue;
    const file = observed.keyFiles.get(name);
    if (file?.kind === 'unsafe') {
      out.push({ key: `unsafe:${name}`, level: 'warn', message: `refusing to remove keys of user ${name}: ${file.reason}` });
    }
  }
  return out;
}
