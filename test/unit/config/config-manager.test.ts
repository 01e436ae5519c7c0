import { ConfigManager } from '../../../ts/config/config-manager.js';
import { parseIni } from '../../../ts/config/parse.js';

describe('ConfigManager (the 2016 API)', () => {
  const text = '[Accounts]\nDeprovision_Remove = yes\ngroups = adm ; video\n[Daemons]\naccounts_daemon = maybe\n[Site]\nflag = on\n';

  it('getOptionString returns the text as written, else a known option\'s default, else undefined', () => {
    const cm = ConfigManager.fromText(text);
    expect(cm.getOptionString('Accounts', 'groups')).toBe('adm ; video');
    expect(cm.getOptionString('Accounts', 'useradd_cmd')).toBe('useradd -m -s /bin/bash -p * {user}');
    expect(cm.getOptionString('MetadataScripts', 'run_dir')).toBe('');
    expect(cm.getOptionString('Site', 'missing')).toBeUndefined();
  });

  it.each([
    ['Accounts', 'deprovision_remove', true, 'set to yes'],
    ['Accounts', 'DEPROVISION_REMOVE', true, 'option names are case-insensitive'],
    ['Daemons', 'accounts_daemon', true, 'invalid → documented default (true)'],
    ['Daemons', 'clock_skew_daemon', true, 'absent → documented default (true)'],
    ['Site', 'flag', true, 'unknown but valid'],
    ['Site', 'absent', false, 'unknown and absent → false, never true because missing'],
    ['Accounts', 'groups', false, 'not a boolean option and not a boolean value'],
  ])('getOptionBool(%s, %s) = %s (%s)', (section, option, want) => {
    expect(ConfigManager.fromText(text).getOptionBool(section, option)).toBe(want);
  });

  it('an absent deprovision_remove reads false (the 2016 defect)', () => {
    expect(ConfigManager.fromText('').getOptionBool('Accounts', 'deprovision_remove')).toBe(false);
    expect(ConfigManager.fromText('[Accounts]\n').getOptionBool('Accounts', 'deprovision_remove')).toBe(false);
  });

  it('setOption overwrites by default and keeps an existing value with overwrite=false', () => {
    const cm = ConfigManager.fromText(text);
    cm.setOption('Instance', 'instance_id', 123);
    cm.setOption('Accounts', 'groups', 'wheel', false);
    cm.setOption('Accounts', 'Deprovision_Remove', false);
    expect(cm.getOptionString('Instance', 'instance_id')).toBe('123');
    expect(cm.getOptionString('Accounts', 'groups')).toBe('adm ; video');
    expect(cm.getOptionBool('Accounts', 'deprovision_remove')).toBe(false);
  });

  it('writeConfig gives sorted text with a wrapped # header that parses back to the same options', () => {
    const cm = ConfigManager.fromText(text);
    const long = 'This file is automatically created at boot time by /usr/bin/google_instance_setup. Edit /etc/default/instance_configs.cfg.template instead.';
    const out = cm.writeConfig(long);
    const lines = out.split('\n');
    expect(lines[0]).toBe('# This file is automatically created at boot time by');
    expect(lines.filter((l) => l.startsWith('#')).every((l) => l.length <= 78)).toBe(true);
    expect(out).toContain('\n[Accounts]\ndeprovision_remove = yes\ngroups = adm ; video\n\n[Daemons]\n');
    const again = parseIni(out, 'again');
    expect(again.warnings).toEqual([]);
    expect(again.doc).toEqual(cm.toDocument());
    expect(cm.writeConfig()).toBe(out.slice(out.indexOf('[Accounts]')));
  });

  it('typed() reports parse, unknown and invalid-value warnings together', () => {
    const cm = ConfigManager.fromText('stray\n[Daemons]\naccounts_daemon = maybe\n[Site]\nx = 1\n', 'my.cfg');
    const { config, warnings } = cm.typed();
    expect(config.daemons.accountsDaemon).toBe(true);
    expect(warnings).toEqual([
      expect.stringMatching(/^my\.cfg:1: ignored "stray"/),
      expect.stringMatching(/^my\.cfg: unknown section \[Site\]/),
      expect.stringMatching(/^my\.cfg: \[Daemons\] accounts_daemon = "maybe" is not a boolean/),
    ]);
  });

  it('does not change the document it was built from', () => {
    const { doc } = parseIni('[A]\nx = 1\n', 'f');
    new ConfigManager(doc).setOption('A', 'x', 2);
    expect(doc.get('A')?.get('x')).toBe('1');
  });
});
