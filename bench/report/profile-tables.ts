/**
 * Tables of the profile benchmark (bench/profile.bench.ts) for the report: resident memory by
 * mapping group per process, and our daemon's CPU self time by source and by function. Pure.
 */

export interface ProfileResult {
  readonly bench: 'profile';
  readonly users: number;
  readonly ours: readonly ProcessMemory[];
  readonly python: readonly ProcessMemory[];
  readonly cpu?: CpuTables;
  readonly setupCpu?: CpuTables & { readonly wallMs: number };
  readonly steadyCpu?: CpuTables & { readonly wallMs: number };
  readonly changes?: number;
}

interface CpuTables {
  readonly busyMs: number;
  readonly top: readonly { fn: string; source: string; selfMs: number }[];
  readonly bySource: readonly { source: string; selfMs: number }[];
}

function cpuTables(c: CpuTables): string[] {
  return [
    '| source | self time (ms) | share |',
    '|---|---:|---:|',
    ...c.bySource.map((s) => `| ${s.source} | ${s.selfMs} | ${((100 * s.selfMs) / c.busyMs).toFixed(1)} % |`),
    '',
    '| function | source | self time (ms) |',
    '|---|---|---:|',
    ...c.top.map((t) => `| \`${t.fn}\` | ${t.source} | ${t.selfMs} |`),
    '',
  ];
}

interface ProcessMemory {
  readonly name: string;
  readonly rssKiB: number;
  readonly groups: readonly { group: string; rssKiB: number; privateKiB: number }[];
}

const mib = (kib: number): string => (kib / 1024).toFixed(1);

function memoryTable(label: string, ps: readonly ProcessMemory[]): string[] {
  const out = [`| ${label} process | mapping group | RSS (MiB) | private (MiB) |`, '|---|---|---:|---:|'];
  for (const p of ps.filter((x) => x.groups.length > 0)) {
    out.push(`| **${p.name}** | **total** | **${mib(p.rssKiB)}** | **${mib(p.groups.reduce((s, g) => s + g.privateKiB, 0))}** |`);
    for (const g of p.groups.filter((x) => x.rssKiB >= 64)) out.push(`| | ${g.group} | ${mib(g.rssKiB)} | ${mib(g.privateKiB)} |`);
  }
  return out;
}

export function renderProfile(p: ProfileResult): string {
  const lines = [
    '### Where idle memory is',
    '',
    "/proc/PID/smaps of each process 5 s after first convergence on the demo instance, grouped by mapping. 'private' is what the process alone holds; the rest is shared (with other processes running the same binary or libraries).",
    '',
    ...memoryTable('ours', p.ours),
    '',
    ...memoryTable('Python', p.python),
    '',
  ];
  if (p.cpu) {
    lines.push(
      '### Where our daemon\'s CPU time goes',
      '',
      `\`node --cpu-prof\` of google_guest_daemon over its start, 256 forwarded IPs from none, and ${p.users} users × 2 keys from empty: ${(p.cpu.busyMs / 1000).toFixed(2)} s of samples that were not idle.`,
      '',
      ...cpuTables(p.cpu),
    );
  }
  if (p.steadyCpu) {
    lines.push(
      '### Where a one-key change goes (ours, steady state)',
      '',
      `\`node --cpu-prof\` of google_guest_daemon started on a machine that already has the ${p.users} users (its first pass finds nothing to do), then ${p.changes ?? '?'} one-key changes, each a full pass over the ${p.users} users: ${p.steadyCpu.busyMs} ms on the CPU over ${p.steadyCpu.wallMs} ms.`,
      '',
      ...cpuTables(p.steadyCpu),
    );
  }
  if (p.setupCpu) {
    lines.push(
      '### Where our instance setup\'s time goes (first boot)',
      '',
      `\`node --cpu-prof\` of google_instance_setup on a new instance: ${p.setupCpu.wallMs} ms from the profiler's start to its end, ${p.setupCpu.busyMs} ms of it on the CPU in this process (the rest is waiting: for ssh-keygen, the helpers, the metadata server, the disk).`,
      '',
      ...cpuTables(p.setupCpu),
    );
  }
  return lines.join('\n');
}
