import { DEFAULT_CONFIG, configWith } from '../../../ts/config/defaults.js';
import { resolveConfig, type ConfigLayer, type LayerRole } from '../../../ts/config/instance-config.js';
import { parseIni } from '../../../ts/config/parse.js';
import type { ConfigOverrides } from '../../../ts/config/types.js';
import { fixtureFiles } from './fixtures.js';

const PATHS: Record<LayerRole, string> = {
  distro: '/etc/default/instance_configs.cfg.distro',
  cfg: '/etc/default/instance_configs.cfg',
  template: '/etc/default/instance_configs.cfg.template',
};

/** Parsed layers from texts keyed by role (order given deliberately scrambled by callers). */
function layers(texts: Partial<Record<LayerRole, string>>): ConfigLayer[] {
  return (Object.entries(texts) as [LayerRole, string][]).map(([role, text]) => ({
    role,
    source: PATHS[role],
    doc: parseIni(text, PATHS[role]).doc,
  }));
}

function fromFixture(scenario: string): ConfigLayer[] {
  const files = fixtureFiles(scenario);
  const texts: Partial<Record<LayerRole, string>> = {};
  for (const role of ['distro', 'cfg', 'template'] as const) {
    const text = files[PATHS[role]];
    if (text !== undefined) texts[role] = text;
  }
  return layers(texts);
}

describe('resolveConfig: precedence defaults < .distro < cfg < .template', () => {
  const cases: { name: string; layers: ConfigLayer[]; want: ConfigOverrides; warnings?: RegExp[] }[] = [
    {
      name: 'a .template value wins over cfg, .distro and built-ins',
      layers: layers({
        template: '[IpForwarding]\nethernet_proto_id = 90\n',
        cfg: '[IpForwarding]\nethernet_proto_id = 80\n',
        distro: '[IpForwarding]\nethernet_proto_id = 70\n',
      }),
      want: { ipForwarding: { ethernetProtoId: 90 } },
    },
    {
      name: 'cfg wins over .distro, .distro over built-ins',
      layers: layers({
        cfg: '[MetadataScripts]\nstartup = no\n',
        distro: '[MetadataScripts]\nstartup = yes\ndefault_shell = /bin/sh\n',
      }),
      want: { metadataScripts: { startup: false, defaultShell: '/bin/sh' } },
    },
    {
      name: 'layer order in the array does not matter, only the role',
      layers: layers({ template: '[Daemons]\naccounts_daemon = off\n', distro: '[Daemons]\naccounts_daemon = on\n' }).reverse(),
      want: { daemons: { accountsDaemon: false } },
    },
    {
      name: 'a deleted cfg never enables deprovision_remove',
      layers: layers({}),
      want: {},
    },
    {
      name: 'a zero-byte cfg never enables deprovision_remove',
      layers: layers({ cfg: '' }),
      want: {},
    },
    {
      name: 'a truncated cfg keeps what it has and defaults the rest (never true because missing)',
      layers: layers({ cfg: '[Accounts]\ngroups = adm\n[Daem' }),
      want: { accounts: { groups: ['adm'] } },
    },
    {
      name: 'a truncated boolean value is invalid, not true',
      layers: layers({ cfg: '[Accounts]\ndeprovision_remove = tr' }),
      want: {},
      warnings: [/\[Accounts\] deprovision_remove = "tr" is not a boolean/],
    },
    {
      name: 'False, off and 0 parse as false',
      layers: layers({ cfg: '[Daemons]\naccounts_daemon = False\nclock_skew_daemon = off\nip_forwarding_daemon = 0\n' }),
      want: { daemons: { accountsDaemon: false, clockSkewDaemon: false, ipForwardingDaemon: false } },
    },
    {
      name: 'an invalid value takes the default with a warning naming file, section, option and value',
      layers: layers({ template: '[IpForwarding]\nethernet_proto_id = 300\n', cfg: '[IpForwarding]\nethernet_proto_id = 80\n' }),
      want: {},
      warnings: [
        /^\/etc\/default\/instance_configs\.cfg\.template: \[IpForwarding\] ethernet_proto_id = "300" is not a decimal integer from 1 to 255; using the default "66"$/,
      ],
    },
    {
      name: 'unknown sections and options warn once, naming the highest layer',
      layers: layers({
        template: '[Site]\nowner = me\n[Accounts]\nshell = zsh\n',
        cfg: '[Site]\nowner = me\n[Accounts]\nshell = zsh\n',
      }),
      want: {},
      warnings: [
        /^\/etc\/default\/instance_configs\.cfg\.template: unknown section \[Site\]/,
        /^\/etc\/default\/instance_configs\.cfg\.template: unknown option \[Accounts\] shell/,
      ],
    },
    {
      name: 'instance_id is read from the cfg only',
      layers: layers({
        template: '[Instance]\ninstance_id = 1\n',
        cfg: '[Instance]\ninstance_id = 18446744073709551615\n',
        distro: '[Instance]\ninstance_id = 3\n',
      }),
      want: { instance: { instanceId: '18446744073709551615' } },
      warnings: [/cfg\.template: \[Instance\] instance_id is set only by google_instance_setup/, /cfg\.distro: \[Instance\] instance_id/],
    },
    {
      name: 'fixture "layered": template over cfg over distro',
      layers: fromFixture('layered'),
      want: {
        accounts: { groups: ['adm', 'video'], deprovisionRemove: false },
        daemons: { clockSkewDaemon: false },
        ipForwarding: { ethernetProtoId: 12 },
        metadataScripts: { defaultShell: '/bin/sh' },
      },
      warnings: [/cfg\.template: unknown section \[Site\]/],
    },
    {
      name: 'fixture "inline-comments": # and ; kept in values, off/0 false, bad boolean defaulted',
      layers: fromFixture('inline-comments'),
      want: {
        accounts: { useraddCmd: 'useradd -m -s /bin/bash -p * {user} # keep the hash', groups: ['adm;video'] },
        daemons: { accountsDaemon: false, clockSkewDaemon: false, ipForwardingDaemon: true },
      },
      warnings: [/\[Daemons\] ip_forwarding_daemon = "perhaps" is not a boolean .*; using the default "true"$/],
    },
    {
      name: 'fixture "upgrade-2016": options the 2016 cfg lacks take their documented defaults',
      layers: fromFixture('upgrade-2016'),
      want: { accounts: { groups: ['adm', 'dip', 'lxd', 'plugdev', 'video'] }, instance: { instanceId: '5092785425116237455' } },
    },
  ];

  it.each(cases)('$name', ({ layers: given, want, warnings = [] }) => {
    const result = resolveConfig(given);
    expect(result.config).toEqual(configWith(want));
    expect(result.warnings).toHaveLength(warnings.length);
    warnings.forEach((re, i) => expect(result.warnings[i]).toMatch(re));
    expect(result.config.accounts.deprovisionRemove).toBe(want.accounts?.deprovisionRemove ?? false);
  });

  it('a cfg that sets deprovision_remove is honoured (the safety check above is not vacuous)', () => {
    expect(resolveConfig(layers({ cfg: '[Accounts]\ndeprovision_remove = yes\n' })).config.accounts.deprovisionRemove).toBe(true);
    expect(DEFAULT_CONFIG.accounts.deprovisionRemove).toBe(false);
  });
});
