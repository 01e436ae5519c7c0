/**
 * The desired accounts (behaviour spec §5.2): which attributes are read, in which order, and the
 * user → keys map left after validation, expiry and de-duplication. Pure: metadata, config and
 * the current time in, data out. It must not look at the machine.
 */
import type { Diagnostic } from '../../core/feature.js';
import type { InstanceConfig } from '../../config/types.js';
import { metadataBool, type MetadataSnapshot } from '../../metadata/snapshot.js';
import { isExpired, keyExpiry } from './expiry.js';
import { isValidGroupName } from './names.js';
import { parseKeyLine, splitKeyLines } from './ssh-keys.js';
import type { AccountsDesired, DesiredKey, DesiredUser } from './types.js';

/** One attribute value to read keys from, named for log lines. */
export interface KeySource {
  readonly name: string;
  readonly value: string;
}

function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/**
 * The attribute values to read, in order: instance `sshKeys`, instance `ssh-keys`, then project
 * `ssh-keys` and `sshKeys` unless the instance blocks project keys or has its own `sshKeys`.
 */
export function keySources(snapshot: MetadataSnapshot): KeySource[] {
  const inst = snapshot.instance.attributes;
  const proj = snapshot.project.attributes;
  const out: KeySource[] = [];
  const add = (name: string, value: string | undefined): void => {
    if (present(value)) out.push({ name, value });
  };
  add('instance sshKeys', inst['sshKeys']);
  add('instance ssh-keys', inst['ssh-keys']);
  const blocked = metadataBool(inst['block-project-ssh-keys']) === true;
  if (!blocked && !present(inst['sshKeys'])) {
    add('project ssh-keys', proj['ssh-keys']);
    add('project sshKeys', proj['sshKeys']);
  }
  return out;
}

/** OS Login as metadata asks for it: the instance value wins when it is set. */
export function osLoginRequested(snapshot: MetadataSnapshot): boolean {
  const inst = metadataBool(snapshot.instance.attributes['enable-oslogin']);
  if (inst !== undefined) return inst;
  return metadataBool(snapshot.project.attributes['enable-oslogin']) === true;
}

/** Builds the desired state for one pass at time `now`. */
export function desiredAccounts(snapshot: MetadataSnapshot, cfg: InstanceConfig, now: Date): AccountsDesired {
  const nowMs = now.getTime();
  const problems: Diagnostic[] = [];
  const byUser = new Map<string, DesiredKey[]>();
  for (const source of keySources(snapshot)) {
    splitKeyLines(source.value).forEach((raw, index) => {
      const line = parseKeyLine(raw);
      if (line === undefined) return;
      if (!line.ok) {
        const who = line.user === undefined ? '' : ` for user ${JSON.stringify(line.user)}`;
        problems.push({
          key: `reject:${source.name}:${index + 1}:${line.user ?? ''}:${line.reason}`,
          level: 'warn',
          message: `ignoring ${source.name} line ${index + 1}${who}: ${line.reason}`,
        });
        return;
      }
      const expiry = keyExpiry(line.parsed.comment);
      if (expiry.kind === 'invalid') {
        problems.push({
          key: `expiry:${line.user}:${source.name}:${index + 1}`,
          level: 'warn',
          message: `keeping a key of user ${line.user} (${source.name} line ${index + 1}) whose expiry is unreadable: ${expiry.reason}`,
        });
      }
      if (isExpired(expiry, nowMs)) return;
      const keys = byUser.get(line.user) ?? [];
      if (keys.some((k) => k.text === line.key)) return;
      keys.push({ text: line.key, expiresAtMs: expiry.kind === 'at' ? expiry.ms : undefined });
      byUser.set(line.user, keys);
    });
  }
  if (osLoginRequested(snapshot)) {
    problems.push({
      key: 'oslogin',
      level: 'warn',
      message: 'enable-oslogin is set but OS Login is not supported; metadata SSH keys remain in effect',
    });
  }
  const groups: string[] = [];
  for (const group of cfg.accounts.groups) {
    if (isValidGroupName(group)) groups.push(group);
    else problems.push({ key: `group:${group}`, level: 'warn', message: `ignoring configured group ${JSON.stringify(group)}: invalid name` });
  }
  const users: DesiredUser[] = [];
  for (const name of [...byUser.keys()].sort()) users.push({ name, keys: byUser.get(name) ?? [] });
  return { nowMs, users, groups, deprovisionRemove: cfg.accounts.deprovisionRemove, problems };
}

/**
 * The first instant at which one of the desired keys counts as expired (one millisecond after
 * its `expireOn`), so a daemon can schedule a pass exactly then; undefined when none expires.
 */
export function nextExpiry(desired: AccountsDesired): Date | undefined {
  let min: number | undefined;
  for (const user of desired.users) {
    for (const key of user.keys) {
      if (key.expiresAtMs !== undefined && (min === undefined || key.expiresAtMs < min)) min = key.expiresAtMs;
    }
  }
  return min === undefined ? undefined : new Date(min + 1);
}
