/**
 * Fixed names and paths of the accounts feature (behaviour spec §0.1, §5.5, §5.10), kept in one
 * place so observe, plan and apply cannot disagree. Constants only.
 */

/** The group whose members get passwordless sudo; kept byte-for-byte from 2016. */
export const SUDOERS_GROUP = 'google-sudoers';

/** The sudoers rule file, written only when absent (§5.5). */
export const SUDOERS_PATH = '/etc/sudoers.d/google_sudoers';

/** The exact sudoers rule, with the newline 2016 forgot. */
export const SUDOERS_CONTENT = `%${SUDOERS_GROUP} ALL=(ALL:ALL) NOPASSWD:ALL\n`;

/** Directory of the state files, created 0755 when missing. */
export const STATE_DIR = '/var/lib/google';

/** Machine path of a state file. */
export function statePath(file: 'google_users' | 'google_users.created'): string {
  return `${STATE_DIR}/${file}`;
}

/** UID_MIN when login.defs does not set one. */
export const DEFAULT_UID_MIN = 1000;
