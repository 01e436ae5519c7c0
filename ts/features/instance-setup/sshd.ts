/**
 * Starting and reloading sshd after new host keys on upstart and sysvinit systems (behaviour spec
 * §8.5): there instance setup may run after sshd has started, so `service ssh|sshd start` then
 * `reload` make it serve the new keys. Under systemd the unit ordering makes this unnecessary;
 * in a sandbox root it is a host-global effect and is skipped. The decision is pure; `restartSshd`
 * only reads the init markers and runs the two commands.
 */
import type { Os } from '../../os/types.js';
import type { PlanPrinter } from './plan-output.js';

/** Which init files exist under the root (upstart job or sysvinit script, per service name). */
export interface SshdFacts {
  /** Any host key was regenerated in this run. */
  readonly regenerated: boolean;
  /** `/run/systemd/system` exists: systemd is the running init. */
  readonly systemd: boolean;
  readonly sandboxed: boolean;
  readonly sshInit: boolean;
  readonly sshdInit: boolean;
}

/** Restart `service`, or nothing with the reason (undefined reason: nothing worth a line). */
export type SshdDecision =
  | { readonly kind: 'restart'; readonly service: 'ssh' | 'sshd' }
  | { readonly kind: 'none'; readonly reason?: string; readonly skipped?: boolean };

/** Pure: whether and which sshd service to start and reload. */
export function decideSshdRestart(f: SshdFacts): SshdDecision {
  if (!f.regenerated) return { kind: 'none' };
  if (f.systemd) return { kind: 'none', reason: 'systemd starts sshd after instance setup; no restart needed' };
  const service = f.sshInit ? 'ssh' : f.sshdInit ? 'sshd' : undefined;
  if (service === undefined) return { kind: 'none', reason: 'no ssh or sshd init script or job found; sshd not restarted' };
  if (f.sandboxed) return { kind: 'none', reason: 'sandbox root', skipped: true };
  return { kind: 'restart', service };
}

async function exists(os: Os, path: string): Promise<boolean> {
  return (await os.fs.lstat(path)) !== undefined;
}

/** Reads the init markers under the root. */
export async function observeSshdFacts(os: Os, regenerated: boolean): Promise<SshdFacts> {
  return {
    regenerated,
    systemd: (await os.fs.lstat('/run/systemd/system'))?.kind === 'dir',
    sandboxed: os.sandboxed,
    sshInit: (await exists(os, '/etc/init.d/ssh')) || (await exists(os, '/etc/init/ssh.conf')),
    sshdInit: (await exists(os, '/etc/init.d/sshd')) || (await exists(os, '/etc/init/sshd.conf')),
  };
}

/** Carries out a decision: one audit line per command (or one `skipped` line in a sandbox). */
export async function restartSshd(os: Os, decision: SshdDecision, dryRun: boolean, print: PlanPrinter): Promise<void> {
  if (decision.kind === 'none') {
    if (decision.skipped) {
      if (dryRun) return;
      os.log.audit('skipped', 'restart-service', { service: 'sshd' }, decision.reason);
    } else if (decision.reason) os.log.debug(decision.reason);
    return;
  }
  for (const verb of ['start', 'reload'] as const) {
    const action = `${verb}-service`;
    if (dryRun) {
      print(action, { service: decision.service });
      continue;
    }
    const r = await os.exec.run(['service', decision.service, verb], { timeoutMs: 60_000 });
    if (r.failed) {
      const why = r.stderr.trim() || (r.exitCode === undefined ? 'could not run service' : `exit status ${r.exitCode}`);
      os.log.audit('failed', action, { service: decision.service }, why);
    } else os.log.audit('applied', action, { service: decision.service });
  }
}
