/**
 * A small udev rules evaluator for tests of google-config's rules: the keys and operators
 * those rules use (ACTION, SUBSYSTEM, KERNEL, ENV{}, ATTRS{}, PROGRAM, IMPORT{program|parent},
 * SYMLINK+=, RUN+=, GOTO/LABEL) and the substitutions ($env{}, %n, %k, %c, $tempnode, $name,
 * $$). PROGRAM commands run for real through /bin/sh; IMPORT{program} goes to a fake the test
 * supplies (it would otherwise read the hardware). Anything else in a rule is an error.
 */
import { spawnSync } from 'node:child_process';

/** One block device event as udev sees it. */
export interface UdevDevice {
  readonly action: string;
  readonly kernel: string;
  readonly subsystem: string;
  /** Properties already set by earlier rules (DEVTYPE, ID_SERIAL_SHORT, …). */
  readonly env: Record<string, string>;
  /** Attributes of the device and its parents, nearest first (ATTRS{} walks them). */
  readonly attrs?: ReadonlyArray<Readonly<Record<string, string>>>;
  /** Properties of the parent device (IMPORT{parent}). */
  readonly parentEnv?: Readonly<Record<string, string>>;
}

/** What the rules did to a device. */
export interface UdevResult {
  readonly env: Record<string, string>;
  readonly symlinks: string[];
  readonly run: string[];
  /** argv of every IMPORT{program} call. */
  readonly imports: string[][];
}

/** Splits a command line the way udev does: whitespace, with single-quoted groups. */
export function splitCommand(cmd: string): string[] {
  return (cmd.match(/'[^']*'|\S+/g) ?? []).map((w) => (w.startsWith("'") ? w.slice(1, -1) : w));
}

function globToRegExp(glob: string): RegExp {
  const alts = glob.split('|').map((g) => g.replace(/[.+^${}()\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.'));
  return new RegExp(`^(?:${alts.join('|')})$`);
}

function parseRule(line: string): Array<{ key: string; attr?: string; op: string; value: string }> {
  const re = /\s*([A-Z]+)(?:\{([^}]+)\})?\s*(==|!=|\+=|:=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;
  const out: Array<{ key: string; attr?: string; op: string; value: string }> = [];
  let pos = 0;
  while (pos < line.length) {
    re.lastIndex = pos;
    const m = re.exec(line);
    if (!m || m[1] === undefined || m[3] === undefined || m[4] === undefined) throw new Error(`cannot parse udev rule at: ${line.slice(pos)}`);
    out.push({ key: m[1], attr: m[2], op: m[3], value: m[4] });
    pos = re.lastIndex;
  }
  return out;
}

/** Applies the rules text to one device event. */
export function runUdevRules(text: string, dev: UdevDevice, importProgram: (argv: string[]) => Record<string, string>): UdevResult {
  const env: Record<string, string> = { ...dev.env };
  const result: UdevResult = { env, symlinks: [], run: [], imports: [] };
  const number = /(\d+)$/.exec(dev.kernel)?.[1] ?? '';
  let programOutput = '';
  const subst = (v: string): string =>
    v.replace(/\$\$|\$env\{([A-Za-z0-9_]+)\}|\$tempnode|\$name|%[nkc%]/g, (m, envKey: string | undefined) => {
      if (m === '$$') return '$';
      if (envKey !== undefined) return env[envKey] ?? '';
      if (m === '$tempnode') return `/dev/${dev.kernel}`;
      if (m === '$name' || m === '%k') return dev.kernel;
      if (m === '%n') return number;
      if (m === '%c') return programOutput;
      return '%';
    });
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  let skipTo: string | undefined;
  for (const line of lines) {
    const pairs = parseRule(line);
    const label = pairs.find((p) => p.key === 'LABEL');
    if (skipTo !== undefined) {
      if (label?.value === skipTo) skipTo = undefined;
      continue;
    }
    if (label) continue;
    let matched = true;
    for (const p of pairs) {
      if (!matched) break;
      if (p.op === '==' || p.op === '!=') {
        let actual: string | undefined;
        if (p.key === 'ACTION') actual = dev.action;
        else if (p.key === 'SUBSYSTEM') actual = dev.subsystem;
        else if (p.key === 'KERNEL') actual = dev.kernel;
        else if (p.key === 'ENV' && p.attr) actual = env[p.attr] ?? '';
        else if (p.key === 'ATTRS' && p.attr) {
          const name = p.attr;
          const hit = (dev.attrs ?? []).some((a) => a[name] !== undefined && globToRegExp(p.value).test(a[name] ?? ''));
          matched = p.op === '==' ? hit : !hit;
          continue;
        } else throw new Error(`unsupported match key ${p.key}`);
        const ok = globToRegExp(p.value).test(actual);
        matched = p.op === '==' ? ok : !ok;
      } else if (p.key === 'PROGRAM') {
        const argv = splitCommand(subst(p.value));
        const r = spawnSync(argv[0] ?? '', argv.slice(1), { encoding: 'utf8' });
        matched = r.status === 0;
        programOutput = (r.stdout ?? '').trim();
      }
    }
    if (!matched) continue;
    for (const p of pairs) {
      if (p.op === '==' || p.op === '!=' || p.key === 'PROGRAM') continue;
      const value = subst(p.value);
      if (p.key === 'GOTO') skipTo = p.value;
      else if (p.key === 'ENV' && p.attr) env[p.attr] = value;
      else if (p.key === 'SYMLINK') result.symlinks.push(...value.split(/\s+/).filter((s) => s !== ''));
      else if (p.key === 'RUN') result.run.push(value);
      else if (p.key === 'IMPORT' && p.attr === 'program') {
        const argv = splitCommand(value);
        result.imports.push(argv);
        Object.assign(env, importProgram(argv));
      } else if (p.key === 'IMPORT' && p.attr === 'parent') {
        const v = dev.parentEnv?.[value];
        if (v !== undefined) env[value] = v;
      } else throw new Error(`unsupported assignment ${p.key}${p.attr ? `{${p.attr}}` : ''}${p.op}`);
    }
    if (skipTo !== undefined) continue;
  }
  return result;
}
