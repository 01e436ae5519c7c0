/** `google_accounts_daemon`: Manages users and SSH keys from metadata (this daemon alone). */
import { daemonMain } from '../core/daemon-entry.js';
import { createAccountsFeature } from '../features/accounts/accounts.js';

void daemonMain({
  name: 'google_accounts_daemon',
  tag: 'google-accounts',
  description: 'Manages users and SSH keys from metadata (this daemon alone)',
  features: () => [createAccountsFeature()],
  exclusive: true,
});
