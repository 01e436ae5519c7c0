#!/bin/sh
#
# google-compute-engine-init prerm (deb) / %preun (rpm), upstart rows. On real removal only
# (never on upgrade) stops google-guest-daemon when upstart is running. Never stops
# google-shutdown-scripts (that would run the user's shutdown scripts).

set -u

readonly JOB='google-guest-daemon'

# Maps deb and rpm arguments to remove, upgrade or other.
normalise() {
  case "${1:-}" in
    remove) echo remove; return ;;
    upgrade|failed-upgrade) echo upgrade; return ;;
    ''|*[!0-9]*) echo other; return ;;
  esac
  if [ "$1" -eq 0 ]; then echo remove; else echo upgrade; fi
}

[ "$(normalise "$@")" = remove ] || exit 0
command -v initctl >/dev/null 2>&1 || exit 0
initctl version 2>/dev/null | grep -q upstart || exit 0

if initctl status "$JOB" 2>/dev/null | grep -q 'start/running'; then
  # A daemon that refuses to stop must not block the removal.
  initctl stop "$JOB" || true
fi
exit 0
