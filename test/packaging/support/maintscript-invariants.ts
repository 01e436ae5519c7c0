/**
 * Rules every maintainer-script run must keep (packaging spec §5 rules 5-7), checked on the
 * recorded stub calls of any run: no instance setup, no script runner, no metadata access, and
 * service actions only ever on google-guest-daemon (or, when migrating, the 2016 daemon units).
 */

const FORBIDDEN = /google_instance_setup|google_metadata_script_runner|169\.254\.169\.254|metadata\.google\.internal|\bcurl\b|\bwget\b/;
const SERVICE_ACTIONS = new Set(['start', 'stop', 'restart', 'try-restart', 'reload', 'reload-or-restart', 'force-reload', 'condrestart']);
const ALLOWED_TARGETS = new Set([
  'google-guest-daemon', 'google-guest-daemon.service',
  // Only stopped, and only by the 2016 migration of the systemd postinst.
  'google-accounts-daemon.service', 'google-clock-skew-daemon.service', 'google-ip-forwarding-daemon.service',
]);

/** The services a recorded call starts, stops or restarts (empty for link management). */
export function serviceTargets(call: string): string[] {
  const w = call.split(' ').filter((x) => x !== '' && !x.startsWith('--'));
  const [tool, ...rest] = w;
  if (tool === 'systemctl' || tool === 'deb-systemd-invoke' || tool === 'initctl' || tool === 'service') {
    const action = tool === 'service' ? rest[1] : rest[0];
    const targets = tool === 'service' ? rest.slice(0, 1) : rest.slice(1);
    return action !== undefined && SERVICE_ACTIONS.has(action) ? targets : [];
  }
  if (tool === 'invoke-rc.d' || tool?.endsWith('/etc/init.d/google-guest-daemon') === true || tool === 'google-guest-daemon') {
    const target = tool === 'invoke-rc.d' ? rest[0] : 'google-guest-daemon';
    const action = tool === 'invoke-rc.d' ? rest[1] : rest[0];
    return action !== undefined && SERVICE_ACTIONS.has(action) && target !== undefined ? [target] : [];
  }
  return [];
}

/** Fails the current test when a recorded run breaks one of the rules. */
export function assertSafeCalls(calls: readonly string[], argv: readonly string[]): void {
  for (const call of calls) {
    expect({ call, forbidden: FORBIDDEN.test(call) }).toEqual({ call, forbidden: false });
    for (const target of serviceTargets(call)) {
      expect({ call, allowedTarget: ALLOWED_TARGETS.has(target) }).toEqual({ call, allowedTarget: true });
    }
  }
  const upgrade = (argv[0] === 'configure' && (argv[1] ?? '') !== '') || argv[0] === 'upgrade' || /^[1-9]\d*$/.test(argv[0] ?? '');
  if (upgrade) {
    // An upgrade restarts the daemon at most; it never stops or starts anything else.
    for (const call of calls) {
      for (const t of serviceTargets(call)) expect({ call, t }).toEqual({ call, t: expect.stringMatching(/^google-(guest|accounts|clock-skew|ip-forwarding)-daemon/) });
    }
  }
}
