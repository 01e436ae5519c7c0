/**
 * The host-keys step of instance setup as a feature (design.md §3, behaviour spec §8.5): desired
 * from the metadata id and `host_key_types`, observed from /etc/ssh, /etc/group and the id
 * records, planned by host-keys.ts, applied with ts/os/host-key.ts one type at a time (a failing
 * type never stops the others). Recording the id and restarting sshd are the caller's, because
 * they depend on the whole report.
 */
import { errorMessage } from '../../core/errors.js';
import { emptyReport, type ApplyReport, type Feature } from '../../core/feature.js';
import { SSH_DIR, generateHostKey, hostKeyName } from '../../os/host-key.js';
import { parseGroup } from '../../os/users-files.js';
import type { Os } from '../../os/types.js';
import {
  desiredHostKeys,
  hostKeyDiagnostics,
  planHostKeys,
  privateKeyType,
  type ExistingHostKey,
  type HostKeysDesired,
  type HostKeysObserved,
  type RegenerateHostKeyAction,
} from './host-keys.js';
import { readInstanceIdRecords } from './instance-id.js';

/** The host-keys feature type. */
export type HostKeysFeature = Feature<HostKeysDesired, HostKeysObserved, RegenerateHostKeyAction>;

/** Reads the private host keys of /etc/ssh with their mode and group. */
export async function observeHostKeys(os: Os): Promise<HostKeysObserved> {
  const existing: ExistingHostKey[] = [];
  const ignoredFiles: string[] = [];
  let groups: Map<number, string> | undefined;
  for (const name of await os.fs.readdir(SSH_DIR)) {
    const type = privateKeyType(name);
    if (type === undefined) continue;
    if (type === '') {
      ignoredFiles.push(name);
      continue;
    }
    const st = await os.fs.lstat(`${SSH_DIR}/${name}`);
    if (!st) continue; // vanished between readdir and lstat
    if (st.kind !== 'file') {
      // A symlink or other odd entry is still a key type that must exist; it gets a plain file.
      existing.push({ type, mode: 0o600, gid: 0 });
      continue;
    }
    groups ??= new Map(parseGroup((await os.fs.readText('/etc/group')) ?? '').map((g) => [g.gid, g.name]));
    existing.push({ type, mode: st.mode, gid: st.gid, groupName: groups.get(st.gid) });
  }
  return { existing, ignoredFiles, records: await readInstanceIdRecords(os.fs) };
}

/** Regenerates each planned type; every action lands in `applied` or `failed`. */
export async function applyHostKeys(
  actions: readonly RegenerateHostKeyAction[],
  os: Os,
  ctx: { log: Os['log']; signal?: AbortSignal | undefined },
): Promise<ApplyReport<RegenerateHostKeyAction>> {
  const report = emptyReport<RegenerateHostKeyAction>();
  if (actions.length === 0) return report;
  try {
    if (await os.fs.mkdir(SSH_DIR, { mode: 0o755 })) ctx.log.audit('applied', 'create-dir', { path: SSH_DIR });
  } catch (e: unknown) {
    for (const action of actions) report.failed.push({ action, error: e });
    return report;
  }
  for (const action of actions) {
    try {
      await generateHostKey(os.fs, os.exec, action.type, { mode: action.mode, gid: action.gid, signal: ctx.signal, log: ctx.log });
      report.applied.push(action);
    } catch (e: unknown) {
      report.failed.push({ action, error: e });
      if (!action.required) {
        ctx.log.warn(
          `${hostKeyName(action.type)} is not in [InstanceSetup] host_key_types and could not be regenerated ` +
            `(${errorMessage(e)}); remove the stale key files ${SSH_DIR}/${hostKeyName(action.type)}{,.pub} if sshd no longer supports ${action.type}`,
        );
      }
    }
  }
  return report;
}

/** Builds the feature (no state: first-boot detection lives in the id records on disk). */
export function createHostKeysFeature(): HostKeysFeature {
  return {
    id: 'host-keys',
    tag: 'instance-setup',
    enabled: (cfg) => cfg.instanceSetup.setHostKeys,
    desired: (snapshot, cfg) => desiredHostKeys(snapshot.instance.id, cfg.instanceSetup.hostKeyTypes),
    observe: (os) => observeHostKeys(os),
    plan: (desired, observed) => planHostKeys(desired, observed),
    apply: (actions, os, ctx) => applyHostKeys(actions, os, ctx),
    diagnostics: (desired, observed) => hostKeyDiagnostics(desired, observed),
    describe: (a) => ({ type: a.type }),
  };
}
