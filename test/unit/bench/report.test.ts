import { renderBarChart, scaleFor, formatValue } from '../../../bench/report/svg.js';
import { summarise, targets, type RawSession, type RawWindow } from '../../../bench/report/summary.js';
import { flatten, headlineTable, render } from '../../../bench/report/render.js';
import { withHeadline } from '../../../bench/report/readme.js';
import { gapNotes } from '../../../bench/report/method.js';

function win(workload: string, convergenceMs: number, over: Partial<RawWindow> = {}): RawWindow {
  return { workload, convergenceMs, cpuSeconds: 0.1, peakRssMiB: 50, peakByProcess: { d: 50 }, spawned: 0, programs: {}, requests: 1, ...over };
}

function session(impl: string, name: string, windows: RawWindow[], summary?: Record<string, number>): RawSession {
  return { impl, session: name, load: [1, 1, 1], windows, ...(summary ? { summary } : {}) };
}

const IDLE = (impl: string, rss: number, requests: number, spawned: number, wakes: number): RawWindow =>
  win('idle', NaN, { idleRssMiB: rss, idleByProcess: { d: rss }, requests, spawned, wakes, minutes: 5 });

function sample(): RawSession[] {
  return [
    session('ours', 'daemons', [IDLE('ours', 40, 5, 0, 5), win('routes-256', 900), win('routes-256', 1000), win('routes-256', 5000)], { coldStartToFirstRequestMs: 250 }),
    session('python', 'daemons', [IDLE('python', 69, 15, 5, 10), win('routes-256', 1200, { spawned: 257, programs: { ip: 257 } })]),
    session('ours', 'accounts', [win('users-cold', 10_000), win('one-key-change', 60, { extra: { filesRewritten: 1 } })]),
    session('python', 'accounts', [win('users-cold', 40_000), win('one-key-change', 400, { spawned: 1, programs: { gpasswd: 1 } })]),
    session('ours', 'one-shots', [win('setup-second-boot', 300)]),
    session('python', 'one-shots', [win('setup-second-boot', 200)]),
  ];
}

describe('benchmark report summary', () => {
  test('takes median and nearest-rank p95 of convergence per workload and implementation', () => {
    const s = summarise(sample());
    const ours = s.workloads.find((w) => w.workload === 'routes-256' && w.impl === 'ours');
    expect(ours?.convergence).toMatchObject({ n: 3, median: 1000, p95: 5000 });
    expect(s.workloads.find((w) => w.workload === 'routes-256' && w.impl === 'python')?.programs).toEqual({ ip: 257 });
  });

  test('derives idle requests per minute and processes per wake', () => {
    const idle = summarise(sample()).idle;
    expect(idle.find((i) => i.impl === 'ours')).toMatchObject({ requestsPerMinute: 1, spawnedPerWake: 0, coldStartToFirstRequestMs: 250 });
    expect(idle.find((i) => i.impl === 'python')).toMatchObject({ requestsPerMinute: 3, spawnedPerWake: 0.5 });
  });

  test('evaluates each target of the issue on our figures and the ratio to theirs', () => {
    const t = targets(summarise(sample()));
    const by = (what: string) => t.find((x) => x.what.startsWith(what));
    expect(by('idle RSS')).toMatchObject({ ours: 40, theirs: 69, met: true });
    expect(by('idle metadata requests')?.met).toBe(true);
    expect(by('one key changed')).toMatchObject({ ours: 60, theirs: 400, ratio: 0.15, met: false });
    expect(by('1000 users')).toMatchObject({ ratio: 0.25, met: true });
    expect(by('instance setup')).toMatchObject({ ratio: 1.5, met: false });
  });

  test('marks a target missed when our figure is absent', () => {
    const t = targets(summarise(sample().filter((s) => s.impl !== 'ours')));
    expect(t.every((x) => !x.met)).toBe(true);
  });
});

describe('benchmark report rendering', () => {
  test('the headline table has one row per target and says missed in bold', () => {
    const table = headlineTable(targets(summarise(sample())));
    expect(table.split('\n')).toHaveLength(2 + 7);
    expect(table).toContain('**missed**');
    expect(table).toContain('| instance setup, second boot (median) | 300 ms | 200 ms | 1.5× |');
    expect(table).toContain('| 1000 users × 2 keys from empty (median) | 10 s | 40 s | 0.25× |');
  });

  test('renders the report, the figures and the Go agent reason from a results file', () => {
    const compare = { bench: 'compare', runs: 3, idleSeconds: 300, users: 1000, cpus: 2, cpuModel: 'x', kernel: 'k', durationSeconds: 600,
      versions: { ours: 'abc', node: 'v18.20.4', python: 'Python 3.11.2', pythonPackages: ['boto==2.49.0'] }, goAgent: { built: false, detail: '403 Forbidden' }, results: sample() };
    const out = render({ date: '2026-12-03', node: 'v20', results: [{ bench: 'idle' }, compare] });
    expect(out.report).toContain('## Headline: targets of issue 8');
    expect(out.report).toContain('403 Forbidden');
    expect(out.report).toContain('### Targets missed, and why');
    expect(Object.keys(out.figures)).toEqual(expect.arrayContaining(['convergence.svg', 'peak-rss.svg', 'cpu.svg', 'spawned.svg', 'idle-rss.svg']));
    for (const n of Object.keys(out.figures)) expect(out.report).toContain(`(figures/${n})`);
  });

  test('a run whose effect never came is counted as failed, left out of the median and listed', () => {
    const sessions = [...sample(), session('ours', 'daemons', [win('key-added', NaN, { extra: { error: 'timed out waiting for key-added' } }), win('key-added', 200)])];
    const k = summarise(sessions).workloads.find((w) => w.workload === 'key-added' && w.impl === 'ours');
    expect(k).toMatchObject({ failed: 1, convergence: { n: 1, median: 200 } });
    const compare = { bench: 'compare', runs: 1, idleSeconds: 1, users: 1, cpus: 2, cpuModel: 'x', kernel: 'k', durationSeconds: 60, versions: {}, goAgent: { built: false, detail: 'no' }, results: sessions };
    const out = render({ date: 'd', node: 'v', results: [compare] });
    expect(out.report).toContain('| 1 (+1 failed) |');
    expect(out.report).toContain('- ours, key-added: timed out waiting for key-added');
  });

  test('other benchmarks are listed as leaf figures', () => {
    expect(flatten({ bench: 'accounts', cold: { ms: 5, spawned: 2 }, list: [1, 2], objs: [{ a: 1 }] })).toEqual([['cold.ms', '5'], ['cold.spawned', '2'], ['list', '1, 2']]);
  });

  test('refuses a results file without a side-by-side result', () => {
    expect(() => render({ date: 'd', node: 'v', results: [{ bench: 'idle' }] })).toThrow(/no side-by-side/);
  });

  test('replaces only the text between the README markers', () => {
    const readme = 'a\n<!-- bench:headline -->\nold\n<!-- /bench:headline -->\nz\n';
    const out = withHeadline(readme, '| t |', 'src');
    expect(out.startsWith('a\n<!-- bench:headline -->\n| t |')).toBe(true);
    expect(out).not.toContain('old');
    expect(out.endsWith('<!-- /bench:headline -->\nz\n')).toBe(true);
    expect(withHeadline('no markers', 't', 's')).toBe('no markers');
  });
});

describe('SVG bar charts', () => {
  const chart = { title: 'T <&>', unit: 'ms', categories: ['a', 'b'], series: [{ name: 'x', values: [10, NaN] }, { name: 'y', values: [1000, 5] }], caption: 'how' };

  test('draws one bar per value, escapes text and labels missing values n/a', () => {
    const svg = renderBarChart(chart);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('T &lt;&amp;&gt;');
    expect((svg.match(/class="bar"/g) ?? []).length).toBe(4);
    expect(svg).toContain('>n/a<');
  });

  test('log and linear scales are monotonic and bounded by the bar area', () => {
    for (const log of [false, true]) {
      const s = scaleFor([1, 10, 1000], 400, log);
      expect(s(1)).toBeLessThan(s(10));
      expect(s(10)).toBeLessThan(s(1000));
      expect(s(1000)).toBeLessThanOrEqual(400);
    }
  });

  test('formats values with about three significant digits', () => {
    expect([formatValue(1234.4), formatValue(12.34), formatValue(0.123), formatValue(0), formatValue(NaN)]).toEqual(['1234', '12.3', '0.12', '0', 'n/a']);
  });
});

describe('gap notes', () => {
  const users = { what: '1000 users × 2 keys from empty (median)', ours: 10, theirs: 20, unit: 'ms', ratio: 0.5, target: '≥ 3×', met: false };

  test('only say ours is slower when the run shows it', () => {
    const faster = gapNotes([users], { usersRatio: 0.5, msPerRoute: { ours: 0.2, theirs: 5 } }).join('\n');
    expect(faster).not.toContain('Ours is the slower one');
    expect(faster).not.toContain('per route');
    const slower = gapNotes([{ ...users, ratio: 1.5 }], { usersRatio: 1.5, msPerRoute: { ours: 20, theirs: 5 }, spawnSelfMs: 120 }).join('\n');
    expect(slower).toContain('Ours is the slower one');
    expect(slower).toContain('ours needs 20.0 ms per route against 5.0 ms');
  });

  test('say so when every target is met', () => {
    expect(gapNotes([{ ...users, met: true }])).toEqual(['Every target is met.', '']);
  });
});
