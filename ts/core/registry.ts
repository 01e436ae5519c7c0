/**
 * The daemon features in registry order (accounts, clock skew, IP forwarding). Process topology
 * is an edit here and in ts/bin: each entry point lists the features it hosts.
 */
import { createAccountsFeature } from '../features/accounts/accounts.js';
import { createClockSkewFeature } from '../features/clock-skew/clock-skew.js';
import { createIpForwardingFeature } from '../features/ip-forwarding/ip-forwarding.js';
import type { AnyFeature } from './feature.js';

/** Fresh instances of every daemon feature, in the order passes run them. */
export function allDaemonFeatures(): AnyFeature[] {
  return [createAccountsFeature(), createClockSkewFeature(), createIpForwardingFeature()];
}
