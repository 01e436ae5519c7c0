/**
 * The pure half of SSH host keys (behaviour spec §8.5): which files are host keys, which types
 * to (re)generate on a new instance (existing types ∪ `host_key_types`), with which mode and
 * group, and how a public key line splits into the guest-attribute name and value. It must not
 * read files or run ssh-keygen (host-keys-feature.ts and ts/os/host-key.ts do).
 */
import type { Diagnostic } from '../../core/feature.js';
import { isNewInstance, type InstanceIdRecords } from './instance-id.js';

/** The Enterprise Linux group that may read private host keys (mode 0640). */
export const SSH_KEYS_GROUP = 'ssh_keys';

/** A private key file found in /etc/ssh and how it is owned now. */
export interface ExistingHostKey {
  readonly type: string;
  readonly mode: number;
  readonly gid: number;
  /** Name of the group `gid`, when /etc/group knows it. */
  readonly groupName?: string | undefined;
}

/** What the machine should have: keys matching this instance. */
export interface HostKeysDesired {
  /** The metadata `instance.id` (decimal string); undefined when metadata lacks it. */
  readonly metadataId: string | undefined;
  /** Valid entries of `[InstanceSetup] host_key_types`. */
  readonly hostKeyTypes: readonly string[];
  /** Entries that are not key type names; reported and ignored. */
  readonly invalidTypes: readonly string[];
}

/** What /etc/ssh and the id records look like now. */
export interface HostKeysObserved {
  readonly existing: readonly ExistingHostKey[];
  /** `ssh_host_…_key` names whose type part is empty or unusable. */
  readonly ignoredFiles: readonly string[];
  readonly records: InstanceIdRecords;
}

/** Replace (or create) the key pair of one type. */
export interface RegenerateHostKeyAction {
  readonly kind: 'regenerate-host-key';
  readonly type: string;
  /** Listed in `host_key_types`: the instance id is recorded only when all of these succeed. */
  readonly required: boolean;
  /** Mode of the new private key. */
  readonly mode: number;
  /** Group of the new private key (only to keep the EL `ssh_keys` group). */
  readonly gid?: number | undefined;
}

const KEY_TYPE = /^[a-z0-9]+$/;
const PRIVATE_KEY_FILE = /^ssh_host_([a-z0-9]*)_key$/;
const PUBLIC_KEY_FILE = /^ssh_host_[a-z0-9]+_key\.pub$/;

/** The type of a private host key file name (`ssh_host_ed25519_key` → `ed25519`), else undefined. */
export function privateKeyType(fileName: string): string | undefined {
  return PRIVATE_KEY_FILE.exec(fileName)?.[1];
}

/** True for the public key files that are published (`ssh_host_<type>_key.pub`). */
export function isPublicKeyFile(fileName: string): boolean {
  return PUBLIC_KEY_FILE.test(fileName);
}

/** The desired state from the metadata id and the configured types. */
export function desiredHostKeys(metadataId: string | undefined, hostKeyTypes: readonly string[]): HostKeysDesired {
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const raw of hostKeyTypes) {
    const t = raw.trim().toLowerCase();
    if (!KEY_TYPE.test(t)) invalid.push(raw);
    else if (!valid.includes(t)) valid.push(t);
  }
  return { metadataId: metadataId?.trim() || undefined, hostKeyTypes: valid, invalidTypes: invalid };
}

/** Mode and group of a regenerated private key: the EL `ssh_keys` 0640 layout is kept. */
function ownershipFor(existing: ExistingHostKey | undefined): { mode: number; gid?: number } {
  if (existing && existing.mode === 0o640 && existing.groupName === SSH_KEYS_GROUP) {
    return { mode: 0o640, gid: existing.gid };
  }
  return { mode: 0o600 };
}

/** True when the keys belong to another instance (or nothing was ever recorded). */
export function needsRegeneration(desired: HostKeysDesired, observed: HostKeysObserved): boolean {
  return desired.metadataId !== undefined && isNewInstance(desired.metadataId, observed.records);
}

/**
 * On a new instance, one action per type in existing ∪ `host_key_types` (sorted, so plans and
 * logs are stable); on the same instance, nothing.
 */
export function planHostKeys(desired: HostKeysDesired, observed: HostKeysObserved): RegenerateHostKeyAction[] {
  if (!needsRegeneration(desired, observed)) return [];
  const byType = new Map(observed.existing.map((k) => [k.type, k]));
  const types = new Set<string>([...byType.keys(), ...desired.hostKeyTypes]);
  return [...types].sort().map((type) => ({
    kind: 'regenerate-host-key' as const,
    type,
    required: desired.hostKeyTypes.includes(type),
    ...ownershipFor(byType.get(type)),
  }));
}

/** Problems worth one log line each: bad config entries, odd key files, a missing metadata id. */
export function hostKeyDiagnostics(desired: HostKeysDesired, observed: HostKeysObserved): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const t of desired.invalidTypes) {
    out.push({ key: `type:${t}`, level: 'warn', message: `[InstanceSetup] host_key_types entry ${JSON.stringify(t)} is not a key type; ignored` });
  }
  for (const f of observed.ignoredFiles) {
    out.push({ key: `file:${f}`, level: 'warn', message: `/etc/ssh/${f} does not name a key type; ignored` });
  }
  if (desired.metadataId === undefined) {
    out.push({ key: 'no-id', level: 'warn', message: 'metadata has no instance id; host keys left as they are' });
  }
  return out;
}

/** A public key line split into the guest attribute key (its type) and value (its base64). */
export interface PublicKey {
  readonly keyType: string;
  readonly base64: string;
}

const ATTRIBUTE_NAME = /^[A-Za-z0-9_-]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parses `ssh-ed25519 AAAA… comment`; undefined when the line is not a publishable key. */
export function parsePublicKey(text: string): PublicKey | undefined {
  const line = text.split('\n').find((l) => l.trim() !== '');
  const [keyType, base64] = line?.trim().split(/\s+/) ?? [];
  if (keyType === undefined || base64 === undefined) return undefined;
  if (!ATTRIBUTE_NAME.test(keyType) || !BASE64.test(base64)) return undefined;
  return { keyType, base64 };
}
