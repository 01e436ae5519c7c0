import fc from 'fast-check';
import { DEFAULT_CONFIG } from '../../../ts/config/defaults.js';
import { generateConfig, type GenerationResult } from '../../../ts/config/generate.js';
import { resolveConfig } from '../../../ts/config/instance-config.js';
import { iniValue, parseIni } from '../../../ts/config/parse.js';
import { DEFAULTS_DOC } from '../../../ts/config/schema.js';
import type { InstanceConfig } from '../../../ts/config/types.js';
import { fixtureFiles } from './fixtures.js';

const CFG = '/etc/default/instance_configs.cfg';
const TEMPLATE = `${CFG}.template`;
const DISTRO = `${CFG}.distro`;
const RECORD = '/var/lib/google/instance_configs.generated';

/** Machine path → text; a missing key is a missing file. */
type Files = Record<string, string>;

/** One instance-setup run over `files`: the merge, then the writes it asks for. */
function boot(files: Files, instanceId?: string): { files: Files; result: GenerationResult } {
  const result = generateConfig({
    template: files[TEMPLATE],
    cfg: files[CFG],
    distro: files[DISTRO],
    record: files[RECORD],
    instanceId,
  });
  const next = { ...files };
  if (result.cfgChanged) next[CFG] = result.cfgText;
  if (result.recordChanged) next[RECORD] = result.recordText;
  return { files: next, result };
}

/** The value the generated cfg holds for an option, as text. */
function cfgValue(files: Files, section: string, option: string): string | undefined {
  return iniValue(parseIni(files[CFG] ?? '', CFG).doc, section, option);
}

/** What a daemon would read from these files. */
function effective(files: Files): InstanceConfig {
  const layers = ([['distro', DISTRO], ['cfg', CFG], ['template', TEMPLATE]] as const)
    .filter(([, p]) => files[p] !== undefined)
    .map(([role, p]) => ({ role, source: p, doc: parseIni(files[p] ?? '', p).doc }));
  return resolveConfig(layers).config;
}

describe('generateConfig: first boot', () => {
  const { files, result } = boot({});

  it('writes the header naming the .template and google_instance_setup', () => {
    const header = result.cfgText.split('\n\n')[0] ?? '';
    expect(header.startsWith('# This file is automatically created at boot time')).toBe(true);
    expect(header).toContain('/etc/default/instance_configs.cfg.template');
    expect(header).toContain('/usr/bin/google_instance_setup');
    expect(header.split('\n').every((l) => l.startsWith('#'))).toBe(true);
  });

  it('writes every built-in default with its exact spelling, sections and options sorted', () => {
    const doc = parseIni(result.cfgText, CFG).doc;
    expect([...doc.keys()]).toEqual([...DEFAULTS_DOC.keys()].sort());
    for (const [section, options] of DEFAULTS_DOC) {
      expect([...(doc.get(section)?.keys() ?? [])]).toEqual([...options.keys()].sort());
      for (const [option, value] of options) expect(doc.get(section)?.get(option)).toBe(value);
    }
    expect(result.cfgText).toContain('\ngroups = adm,dip,docker,lxd,plugdev,video\n');
    expect(result.cfgText).toContain('\nrun_dir =\n');
  });

  it('types to exactly the defaults, records every generated value, and asks for both writes', () => {
    expect(effective(files)).toEqual(DEFAULT_CONFIG);
    expect(result.cfgChanged && result.recordChanged).toBe(true);
    const record = parseIni(result.recordText, RECORD).doc;
    expect(iniValue(record, 'Accounts', 'deprovision_remove')).toBe('false');
    expect(iniValue(record, 'Instance', 'instance_id')).toBeUndefined();
    expect(result.warnings).toEqual([]);
  });
});

describe('generateConfig: §2.4 rules', () => {
  it('a .template value wins over cfg, .distro and built-ins', () => {
    const { files } = boot({
      [TEMPLATE]: '[IpForwarding]\nethernet_proto_id = 90\n',
      [CFG]: '[IpForwarding]\nethernet_proto_id = 80\n',
      [DISTRO]: '[IpForwarding]\nethernet_proto_id = 70\n',
    });
    expect(cfgValue(files, 'IpForwarding', 'ethernet_proto_id')).toBe('90');
  });

  it.each([
    ['deleted', undefined],
    ['truncated to zero bytes', ''],
  ])('a cfg %s never enables deprovision_remove', (_how, cfgText) => {
    const before = boot({ [TEMPLATE]: '[Accounts]\ndeprovision_remove = true\n' }).files;
    // The administrator drops the policy from the template and the cfg is lost.
    const files: Files = { ...before };
    delete files[TEMPLATE];
    if (cfgText === undefined) delete files[CFG];
    else files[CFG] = cfgText;
    const after = boot(files).files;
    expect(cfgValue(after, 'Accounts', 'deprovision_remove')).toBe('false');
    expect(effective(after).accounts.deprovisionRemove).toBe(false);
    // And with no record at all (a fresh image): still the default.
    expect(effective(boot({ [CFG]: '' }).files).accounts.deprovisionRemove).toBe(false);
  });

  it('an option missing from an existing cfg takes its documented default after an upgrade', () => {
    const { files } = boot(fixtureFiles('upgrade-2016'));
    expect(cfgValue(files, 'Accounts', 'useradd_cmd')).toBe('useradd -m -s /bin/bash -p * {user}');
    expect(cfgValue(files, 'InstanceSetup', 'host_key_types')).toBe('ecdsa,ed25519,rsa');
    expect(cfgValue(files, 'IpForwarding', 'target_instance_ips')).toBe('true');
    // Values the 2016 cfg had count as the administrator's (no record yet) and are kept.
    expect(cfgValue(files, 'Accounts', 'groups')).toBe('adm,dip,lxd,plugdev,video');
    expect(cfgValue(files, 'Instance', 'instance_id')).toBe('5092785425116237455');
    expect(effective(files).accounts.deprovisionRemove).toBe(false);
  });

  it("an administrator's direct edit of the cfg survives every later regeneration", () => {
    let files = boot({ [DISTRO]: '[Accounts]\ngroups = adm\n' }).files;
    files = { ...files, [CFG]: (files[CFG] ?? '').replace('groups = adm\n', 'groups = adm,wheel\n') };
    for (let run = 0; run < 3; run += 1) {
      files = boot(files).files;
      expect(cfgValue(files, 'Accounts', 'groups')).toBe('adm,wheel');
    }
    // Even a later .distro change does not override it.
    files = boot({ ...files, [DISTRO]: '[Accounts]\ngroups = video\n' }).files;
    expect(cfgValue(files, 'Accounts', 'groups')).toBe('adm,wheel');
  });

  it('a changed .distro value replaces a previously generated (not user-set) value', () => {
    let files = boot({ [DISTRO]: '[MetadataScripts]\ndefault_shell = /bin/sh\n' }).files;
    expect(cfgValue(files, 'MetadataScripts', 'default_shell')).toBe('/bin/sh');
    files = boot({ ...files, [DISTRO]: '[MetadataScripts]\ndefault_shell = /bin/dash\n' }).files;
    expect(cfgValue(files, 'MetadataScripts', 'default_shell')).toBe('/bin/dash');
    files = boot({ ...files, [DISTRO]: '' }).files;
    expect(cfgValue(files, 'MetadataScripts', 'default_shell')).toBe('/bin/bash');
  });

  it('a value dropped from the .template falls back instead of sticking', () => {
    let files = boot({ [TEMPLATE]: '[Daemons]\nclock_skew_daemon = off\n[Site]\nx = 1\n' }).files;
    expect(cfgValue(files, 'Daemons', 'clock_skew_daemon')).toBe('off');
    files = boot({ ...files, [TEMPLATE]: '' }).files;
    expect(cfgValue(files, 'Daemons', 'clock_skew_daemon')).toBe('true');
    expect(cfgValue(files, 'Site', 'x')).toBeUndefined();
  });

  it('inline # and ; survive and unknown sections and options are carried over verbatim', () => {
    let files = boot({
      ...fixtureFiles('layered'),
      [CFG]: '[Accounts]\nlegacy_opt = a # b\n[Mine]\nk = v;w\n',
    }).files;
    files = boot(files).files; // and again, now with a record
    expect(cfgValue(files, 'Site', 'owner')).toBe('ops ; team #7');
    expect(cfgValue(files, 'Accounts', 'legacy_opt')).toBe('a # b');
    expect(cfgValue(files, 'Mine', 'k')).toBe('v;w');
    expect(files[CFG]).toContain('\n[Site]\nowner = ops ; team #7\n');
  });

  it('keeps an empty section of the .template, and drops it once the template does', () => {
    const files = boot({ [TEMPLATE]: '[Zeta]\n' }).files;
    expect(files[CFG]).toMatch(/\n\[Zeta\]\n$/);
    expect(boot({ ...files, [TEMPLATE]: '' }).files[CFG]).not.toContain('[Zeta]');
  });

  it('writes values as the trimmed text of their layer, never re-serialised', () => {
    const { files } = boot({
      [TEMPLATE]: '[Accounts]\ndeprovision_remove =   False  \ngroups = adm , video\n[IpForwarding]\nethernet_proto_id = 066\n',
    });
    expect(files[CFG]).toContain('\ndeprovision_remove = False\n');
    expect(files[CFG]).toContain('\ngroups = adm , video\n');
    expect(files[CFG]).toContain('\nethernet_proto_id = 066\n');
  });

  it('regenerating an unchanged configuration changes nothing', () => {
    const first = boot(fixtureFiles('layered'), '42').files;
    const again = boot(first);
    expect(again.result.cfgChanged).toBe(false);
    expect(again.result.recordChanged).toBe(false);
    expect(again.files).toEqual(first);
  });

  it('instance_id is set by the caller, kept otherwise, and never taken from .template or .distro', () => {
    let files = boot({ [TEMPLATE]: '[Instance]\ninstance_id = 1\n', [DISTRO]: '[Instance]\ninstance_id = 2\n' }).files;
    expect(cfgValue(files, 'Instance', 'instance_id')).toBe('0');
    files = boot(files, '18446744073709551615').files;
    expect(cfgValue(files, 'Instance', 'instance_id')).toBe('18446744073709551615');
    const kept = boot(files);
    expect(cfgValue(kept.files, 'Instance', 'instance_id')).toBe('18446744073709551615');
    expect(kept.result.cfgChanged).toBe(false);
  });

  it('refuses a non-decimal instance id with a warning and keeps the recorded one', () => {
    const files = boot({}, '7').files;
    const { result } = boot(files, '12; rm -rf /');
    expect(result.cfgChanged).toBe(false);
    expect(result.warnings).toEqual([expect.stringMatching(/instance id "12; rm -rf \/" is not a decimal number/)]);
  });

  it('warns about a damaged record and then treats unmatched values as user-set', () => {
    const files = boot({}).files;
    const { result } = boot({ ...files, [RECORD]: 'garbage\n' });
    expect(result.warnings).toEqual([expect.stringMatching(/^\/var\/lib\/google\/instance_configs\.generated:1: ignored "garbage"/)]);
    expect(result.cfgChanged).toBe(false);
  });
});

describe('generateConfig properties', () => {
  const option = fc.constantFrom(
    ['Accounts', 'deprovision_remove'],
    ['Accounts', 'groups'],
    ['Daemons', 'accounts_daemon'],
    ['IpForwarding', 'ethernet_proto_id'],
    ['Site', 'owner'],
  );
  const value = fc.constantFrom('true', 'false', 'off', 'adm,video', '77', 'x ; y', '');
  const layer = fc.option(
    fc.array(fc.tuple(option, value), { maxLength: 4 }).map((entries) =>
      entries.map(([[s, o], v]) => `[${s}]\n${o} = ${v}\n`).join(''),
    ),
    { nil: undefined },
  );
  const world = fc.record({ template: layer, cfg: layer, distro: layer });

  it('a second run over its own output changes nothing', () => {
    fc.assert(
      fc.property(world, fc.option(fc.bigInt({ min: 0n, max: 2n ** 64n }), { nil: undefined }), (w, id) => {
        const files: Files = {};
        if (w.template !== undefined) files[TEMPLATE] = w.template;
        if (w.cfg !== undefined) files[CFG] = w.cfg;
        if (w.distro !== undefined) files[DISTRO] = w.distro;
        const once = boot(files, id?.toString()).files;
        const twice = boot(once, id?.toString());
        expect(twice.result.cfgChanged || twice.result.recordChanged).toBe(false);
      }),
    );
  });

  it('deprovision_remove is on only when some layer spells it true', () => {
    fc.assert(
      fc.property(world, (w) => {
        const files: Files = {};
        if (w.template !== undefined) files[TEMPLATE] = w.template;
        if (w.cfg !== undefined) files[CFG] = w.cfg;
        if (w.distro !== undefined) files[DISTRO] = w.distro;
        const on = effective(boot(files).files).accounts.deprovisionRemove;
        const spelled = [w.template, w.cfg, w.distro].some((t) => t?.includes('deprovision_remove = true'));
        if (on) expect(spelled).toBe(true);
      }),
    );
  });
});
