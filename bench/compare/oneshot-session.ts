/**
 * One-shot programs of one implementation, each run as its own boot of a fresh machine root:
 * instance setup on the first boot (new instance: host keys generated) and on the second boot
 * (same root, same instance), then the startup-script runner with a 1-line inline script.
 * Time is the program's lifetime from the exec trace (exec of its executable → exit of that
 * process); CPU is the difference of the sandbox shell's `times` around it.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { boot } from './boot.js';
import { wallToMono } from './clock.js';
import { lifetime } from './exec-trace.js';
import type { Impl } from './impls.js';
import type { Machine } from './machine.js';
import { complete, round1, type CompletedWindow } from './windows.js';

/** CPU seconds of the sandboxed command: children CPU after minus before, from bash `times`. */
export function timesDelta(text: string): number {
  const secs = (s: string): number => {
    const m = /(\d+)m([\d.]+)s/.exec(s);
    return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
  };
  const lines = text.trim().split('\n');
  const child = (l: string | undefined): number => (l ?? '').split(/\s+/).reduce((s, w) => s + secs(w), 0);
  return child(lines[3]) - child(lines[1]);
}

async function oneShot(m: Machine, impl: Impl, lower: string, run: string, workload: string, argv: readonly string[], marker: string, effect?: () => number | undefined): Promise<CompletedWindow> {
  const b = boot(m, lower, run, impl.prefix, impl.bin, argv);
  const status = await b.exited;
  if (status !== 0) throw new Error(`${impl.id} ${workload} exited ${status}; see ${run}/output.log`);
  const trace = b.trace();
  const life = lifetime(trace, marker);
  if (!life) throw new Error(`${impl.id} ${workload}: no exec of ${marker} in the trace`);
  const peaks = b.peaks();
  const extra: Record<string, unknown> = {};
  const at = effect?.();
  if (at !== undefined) extra['startToEffectMs'] = round1(at - life.start);
  const [w] = complete(
    [{
      workload, from: life.start, to: life.end + 1, convergenceMs: round1(life.end - life.start),
      cpuSeconds: round1(timesDelta(readFileSync(join(run, 'times'), 'utf8')) * 100) / 100,
      peakRssMiB: round1(peaks.total), peakByProcess: peaks.byName, extra,
    }],
    trace, await m.requests(), new Set([life.pid]),
  );
  return w as CompletedWindow;
}

/** First and second boot of instance setup, then `scripts` startup-script runs, in one root. */
export async function oneShotSession(m: Machine, impl: Impl, lower: string, run: string, scripts: number): Promise<CompletedWindow[]> {
  const out: CompletedWindow[] = [];
  out.push(await oneShot(m, impl, lower, run, 'setup-first-boot', impl.instanceSetup, 'google_instance_setup'));
  out.push(await oneShot(m, impl, lower, run, 'setup-second-boot', impl.instanceSetup, 'google_instance_setup'));
  for (let i = 0; i < scripts; i += 1) {
    const marker = join(run, 'upper/var/tmp/startup-ran');
    out.push(await oneShot(m, impl, lower, run, 'startup-script', impl.startupScripts, 'google_metadata_script_runner', () => {
      try {
        return wallToMono(statSync(marker).mtimeMs);
      } catch {
        return undefined;
      }
    }));
  }
  return out;
}
