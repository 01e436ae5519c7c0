#!/bin/sh
#
# google-compute-engine-init postrm (deb) / %postun (rpm), sysvinit rows. deb keeps the
# runlevel links after removal (the scripts are conffiles and stay until purge); purge removes
# them with update-rc.d. rpm unregisters in %preun, so nothing happens here for rpm.

set -u

readonly SCRIPTS='google-instance-setup google-guest-daemon google-startup-scripts google-shutdown-scripts'

# Maps deb and rpm arguments to purge or other (rpm has no purge).
normalise() {
  case "${1:-}" in
    purge) echo purge ;;
    *) echo other ;;
  esac
}

[ "$(normalise "$@")" = purge ] || exit 0

if command -v update-rc.d >/dev/null 2>&1; then
  for script in $SCRIPTS; do
    # Unlinking must not fail the purge.
    update-rc.d "$script" remove >/dev/null || true
  done
fi
exit 0
