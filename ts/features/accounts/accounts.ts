/**
 * The accounts feature (behaviour spec §5): users and SSH keys from metadata. This file only
 * wires the steps into the Feature contract of ts/core/feature.ts; each step lives in its own
 * module (desired, observe, plan, apply) and nothing here touches the machine.
 */
import type { Feature } from '../../core/feature.js';
import { applyAccounts } from './apply.js';
import { desiredAccounts, nextExpiry } from './desired.js';
import { describeAccountsAction } from './describe.js';
import { accountsDiagnostics } from './diagnostics.js';
import { observeAccounts } from './observe.js';
import { planAccounts } from './plan.js';
import type { AccountsAction, AccountsDesired, AccountsObserved } from './types.js';

/** When the daemon should wake for the next key expiry (re-exported for the daemon loop). */
export { nextExpiry } from './desired.js';
/** The data types of the feature's steps. */
export type { AccountsAction, AccountsDesired, AccountsObserved } from './types.js';

/** The accounts feature as the daemon loop hosts it. */
export type AccountsFeature = Feature<AccountsDesired, AccountsObserved, AccountsAction>;

/** A fresh accounts feature; it keeps no state between passes (everything is re-observed). */
export function createAccountsFeature(): AccountsFeature {
  return {
    id: 'accounts',
    tag: 'google-accounts',
    lockName: 'google_accounts.lock',
    enabled: (cfg) => cfg.daemons.accountsDaemon,
    desired: desiredAccounts,
    observe: (os, desired, ctx) => observeAccounts(os, desired, ctx.signal),
    plan: (desired, observed) => planAccounts(desired, observed),
    apply: applyAccounts,
    diagnostics: accountsDiagnostics,
    describe: describeAccountsAction,
    // Expiry is re-checked on every wake-up; this asks for one exactly when the next key lapses.
    nextWake: (desired) => nextExpiry(desired),
  };
}
