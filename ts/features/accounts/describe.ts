/**
 * Audit and plan fields of an accounts action (behaviour spec §3.4): names, groups and counts
 * only. Key material never appears here, whatever the action carries. Pure.
 */
import type { LogFields } from '../../core/logger.js';
import type { AccountsAction } from './types.js';

/** The `key=value` fields printed for `action` in plan, applied and failed lines. */
export function describeAccountsAction(action: AccountsAction): LogFields {
  switch (action.kind) {
    case 'create-group':
      return { group: action.group };
    case 'write-sudoers':
      return { path: action.path };
    case 'create-user':
    case 'delete-user':
    case 'remove-keys':
      return { user: action.user };
    case 'set-initial-groups':
      return { user: action.user, groups: action.groups.join(',') };
    case 'add-group-member':
    case 'remove-group-member':
      return { user: action.user, group: action.group };
    case 'write-keys':
      return { user: action.user, keys: action.keys.length };
    case 'write-state':
      return { file: action.file, users: action.names.length };
  }
}
