/** `google_clock_skew_daemon`: Syncs the clock after a drift-token change (this daemon alone). */
import { daemonMain } from '../core/daemon-entry.js';
import { createClockSkewFeature } from '../features/clock-skew/clock-skew.js';

void daemonMain({
  name: 'google_clock_skew_daemon',
  tag: 'google-clock-skew',
  description: 'Syncs the clock after a drift-token change (this daemon alone)',
  features: () => [createClockSkewFeature()],
  exclusive: true,
});
