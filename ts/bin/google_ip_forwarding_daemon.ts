/** `google_ip_forwarding_daemon`: Adds and removes forwarded-IP routes (this daemon alone). */
import { daemonMain } from '../core/daemon-entry.js';
import { createIpForwardingFeature } from '../features/ip-forwarding/ip-forwarding.js';

void daemonMain({
  name: 'google_ip_forwarding_daemon',
  tag: 'google-ip-forwarding',
  description: 'Adds and removes forwarded-IP routes (this daemon alone)',
  features: () => [createIpForwardingFeature()],
  exclusive: true,
});
