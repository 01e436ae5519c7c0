import { DEFAULTS_INI, DEFAULT_CONFIG } from '../../../ts/config/defaults.js';
import { resolveConfig } from '../../../ts/config/instance-config.js';
import { parseIni } from '../../../ts/config/parse.js';
import { DEFAULTS_DOC, OPTION_SPECS, defaultText, defaultValue, findOption } from '../../../ts/config/schema.js';
import { typeValue } from '../../../ts/config/values.js';

describe('built-in defaults', () => {
  it('DEFAULTS_INI parses without warnings and types to exactly DEFAULT_CONFIG', () => {
    const parsed = parseIni(DEFAULTS_INI, 'defaults');
    expect(parsed.warnings).toEqual([]);
    const typed = resolveConfig([{ role: 'cfg', source: 'defaults', doc: parsed.doc }]);
    expect(typed.warnings).toEqual([]);
    expect(typed.config).toEqual(DEFAULT_CONFIG);
  });

  it('no layers at all gives exactly DEFAULT_CONFIG', () => {
    expect(resolveConfig([])).toEqual({ config: DEFAULT_CONFIG, warnings: [] });
  });

  it('the option table and DEFAULTS_INI list the same options', () => {
    const inIni: string[] = [];
    for (const [section, options] of DEFAULTS_DOC) for (const option of options.keys()) inIni.push(`${section}.${option}`);
    expect(OPTION_SPECS.map((s) => `${s.section}.${s.option}`)).toEqual(inIni);
  });

  it('every field of DEFAULT_CONFIG is fed by exactly one option', () => {
    const fields = Object.entries(DEFAULT_CONFIG).flatMap(([group, values]) =>
      Object.keys(values as object).map((f) => `${group}.${f}`),
    );
    expect(OPTION_SPECS.map((s) => `${s.group}.${s.field}`).sort()).toEqual(fields.sort());
  });

  it.each(OPTION_SPECS.map((s) => [`${s.section}.${s.option}`, s] as const))(
    '%s: the default text is valid and types to the typed default',
    (_name, s) => {
      expect(typeValue(s.kind, defaultText(s))).toEqual({ ok: true, value: defaultValue(s) });
    },
  );

  it('spells the documented defaults exactly as the spec table', () => {
    const text = (section: string, option: string): string | undefined => {
      const s = findOption(section, option);
      return s && defaultText(s);
    };
    expect(text('Accounts', 'groups')).toBe('adm,dip,docker,lxd,plugdev,video');
    expect(text('Accounts', 'deprovision_remove')).toBe('false');
    expect(text('IpForwarding', 'ethernet_proto_id')).toBe('66');
    expect(text('MetadataScripts', 'run_dir')).toBe('');
  });

  it('finds options case-insensitively but sections case-sensitively', () => {
    expect(findOption('Accounts', 'DEPROVISION_REMOVE')?.field).toBe('deprovisionRemove');
    expect(findOption('accounts', 'deprovision_remove')).toBeUndefined();
  });
});
