/**
 * One long-running google_guest_daemon against one sandbox machine and one emulator (optionally
 * behind the fault proxy), with the user `alice` converged first: the common ground of the
 * metadata-fault, OS-fault, clock and soak scenarios. Metadata edits go through the in-process
 * emulator; `tick()` makes a change nobody acts on, only to wake the daemon.
 */
import { startEmulator, type Emulator } from '../../../ts/emulator/index.js';
import { treeRssMiB, cpuSeconds } from '../../../bench/lib/proc.js';
import { startAgent, type AgentProc, type AgentTarget } from './daemon-proc.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { createMachine, daemonsConfig, documentWith, edKey, hasKeys, sshKeysValue, waitUntil, type Machine } from './machine.js';
import type { SandboxRootOptions } from '../../../ts/os/sandbox-root.js';

export interface SessionOptions {
  readonly target: Omit<AgentTarget, 'host'>;
  readonly config?: string;
  /** Put the fault proxy between the daemon and the emulator. */
  readonly proxy?: boolean;
  readonly machine?: SandboxRootOptions & { parent?: string };
  /** Extra instance subtrees (e.g. network-interfaces). */
  readonly instance?: Record<string, unknown>;
  /** Emulator cap on timeout_sec: the daemon's timeout wakes come this often. */
  readonly maxTimeoutSec?: number;
  /** Users present from the start (besides alice). */
  readonly users?: readonly string[];
  /** Makes the metadata host reachable where the daemon runs (a network namespace). */
  readonly via?: (host: string) => Promise<{ readonly host: string; close(): void }>;
}

export interface Session {
  readonly m: Machine;
  readonly emu: Emulator;
  readonly proxy: FaultProxy | undefined;
  readonly agent: AgentProc;
  /** Current keys per user in metadata. */
  readonly keys: Map<string, string[]>;
  /** Sets `user`'s keys (undefined removes the user) in metadata. */
  setKeys(user: string, keys: string[] | undefined): void;
  /** A fresh key for `user`, set in metadata; returns it. */
  rotate(user: string): string;
  tick(): void;
  /** Waits until every user in metadata holds exactly its keys; ms, or -1. */
  converged(timeoutMs: number): Promise<number>;
  rssMiB(): number;
  cpu(): number;
  /** Stops everything; `beforeCleanup` runs once the daemon is gone and before the machine is removed. */
  close(beforeCleanup?: () => void): Promise<void>;
}

let serial = 0;

/** Starts emulator, proxy and daemon; resolves once alice (and `users`) hold their keys. */
export async function startSession(o: SessionOptions): Promise<Session> {
  const m = createMachine({ ...o.machine, config: o.config ?? daemonsConfig() });
  const keys = new Map<string, string[]>();
  for (const u of ['alice', ...(o.users ?? [])]) keys.set(u, [edKey(`${u}.${(serial += 1)}`)]);
  const attrs = (): Record<string, string> => ({ 'ssh-keys': sshKeysValue(keys), tick: String(serial) });
  const emu = await startEmulator({ document: documentWith(attrs(), o.instance ?? {}), maxTimeoutSec: o.maxTimeoutSec });
  const proxy = o.proxy ? await startFaultProxy(emu.host) : undefined;
  const via = o.via ? await o.via(proxy?.host ?? emu.host) : undefined;
  const agent = startAgent({ ...o.target, host: via?.host ?? proxy?.host ?? emu.host }, 'google_guest_daemon', m.root);
  const push = (): void => {
    emu.set({ 'instance/attributes/ssh-keys': sshKeysValue(keys), 'instance/attributes/tick': String(serial) });
  };
  const s: Session = {
    m,
    emu,
    proxy,
    agent,
    keys,
    setKeys(user, k) {
      if (k === undefined) keys.delete(user);
      else keys.set(user, k);
      push();
    },
    rotate(user) {
      const k = edKey(`${user}.${(serial += 1)}`);
      s.setKeys(user, [k]);
      return k;
    },
    tick() {
      serial += 1;
      push();
    },
    converged: (timeoutMs) => waitUntil(() => [...keys].every(([u, k]) => hasKeys(m, u, k)), timeoutMs),
    rssMiB: () => (agent.isRunning() ? treeRssMiB(agent.pid) : 0),
    cpu: () => cpuSeconds(agent.pid),
    async close(beforeCleanup) {
      agent.kill('SIGTERM');
      const t = setTimeout(() => agent.kill('SIGKILL', true), 5000);
      await agent.exited;
      clearTimeout(t);
      via?.close();
      await proxy?.close();
      await emu.close();
      beforeCleanup?.();
      m.cleanup();
    },
  };
  if ((await s.converged(60_000)) < 0) {
    const tail = agent.lines().slice(-10).join('\n');
    await s.close();
    throw new Error(`the daemon did not converge at start:\n${tail}`);
  }
  return s;
}
