#!/bin/sh
#
# google-compute-engine-init prerm (deb) / %preun (rpm), systemd rows. On real removal only
# (never on upgrade): stops google-guest-daemon and disables the four units. The shutdown unit is
# disabled but never stopped (stopping it runs the user's shutdown scripts). GCE_MAINTSCRIPT_ROOT
# (unset in production) re-roots the probed paths for tests.

set -u

readonly UNITS='google-instance-setup.service google-guest-daemon.service google-startup-scripts.service google-shutdown-scripts.service'
readonly DAEMON_UNIT='google-guest-daemon.service'
readonly ROOT="${GCE_MAINTSCRIPT_ROOT:-}"

# Maps deb and rpm arguments to remove, upgrade or other.
normalise() {
  case "${1:-}" in
    remove) echo remove; return ;;
    upgrade|failed-upgrade) echo upgrade; return ;;
    ''|*[!0-9]*) echo other; return ;;
  esac
  if [ "$1" -eq 0 ]; then echo remove; else echo upgrade; fi
}

systemd_running() {
  [ -d "$ROOT/run/systemd/system" ]
}

have() {
  command -v "$1" >/dev/null 2>&1
}

[ "$(normalise "$@")" = remove ] || exit 0

if systemd_running; then
  if have deb-systemd-invoke; then
    deb-systemd-invoke stop "$DAEMON_UNIT" || true
  elif have systemctl; then
    systemctl stop "$DAEMON_UNIT" || true
  fi
fi

# Removal must go through even when unlinking fails, hence the tolerated errors.
if have deb-systemd-helper; then
  # purge = disable and forget the recorded state, so a later reinstall enables them again.
  # shellcheck disable=SC2086 # UNITS is a word list
  deb-systemd-helper purge $UNITS || true
elif have systemctl; then
  # shellcheck disable=SC2086
  systemctl --no-reload disable $UNITS || true
fi
exit 0
