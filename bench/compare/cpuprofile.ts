/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function and per source
 * (our bundle, Node.js internals by module, the garbage collector, idle). Pure.
 */

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface CpuSummary {
  /** Sampled time that was not idle, ms. */
  readonly busyMs: number;
  readonly top: readonly { readonly fn: string; readonly source: string; readonly selfMs: number }[];
  readonly bySource: readonly { readonly source: string; readonly selfMs: number }[];
}

function sourceOf(url: string, fn: string): string {
  if (fn === '(garbage collector)' || fn === '(program)' || fn === '(idle)') return fn;
  if (url === '') return '(native / V8 builtins)';
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/').slice(0, 2).join('/');
  return url.split('/').pop() ?? url;
}

export function summariseCpuProfile(p: CpuProfile, topN = 15): CpuSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
  const fns = new Map<string, { fn: string; source: string; selfMs: number }>();
  const sources = new Map<string, number>();
  let busy = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const fn = n.callFrame.functionName || '(anonymous)';
    const source = sourceOf(n.callFrame.url, fn);
    if (source === '(idle)') continue;
    busy += ms;
    const key = `${fn}@${source}:${n.callFrame.lineNumber}`;
    const e = fns.get(key) ?? { fn, source, selfMs: 0 };
    e.selfMs += ms;
    fns.set(key, e);
    sources.set(source, (sources.get(source) ?? 0) + ms);
  }
  const r = (n: number): number => Math.round(n * 10) / 10;
  return {
    busyMs: r(busy),
    top: [...fns.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, topN).map((e) => ({ ...e, selfMs: r(e.selfMs) })),
    bySource: [...sources].map(([source, ms]) => ({ source, selfMs: r(ms) })).sort((a, b) => b.selfMs - a.selfMs).slice(0, topN),
  };
}
