/** `google_guest_daemon`: Hosts every enabled daemon (accounts, clock skew, IP forwarding) with one metadata watcher. */
import { daemonMain } from '../core/daemon-entry.js';
import { allDaemonFeatures } from '../core/registry.js';

void daemonMain({
  name: 'google_guest_daemon',
  tag: 'google-guest-daemon',
  description: 'Hosts every enabled daemon (accounts, clock skew, IP forwarding) with one metadata watcher',
  features: () => allDaemonFeatures(),
  exclusive: false,
});
