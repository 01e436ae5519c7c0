#!/bin/sh
#
# google-compute-engine-init prerm (deb) / %preun (rpm), sysvinit rows. On real removal only
# (never on upgrade) stops google-guest-daemon; on rpm erase also unregisters the four scripts
# here, while they still exist (chkconfig --del and insserv -r read the script). Never stops
# google-shutdown-scripts (that would run the user's shutdown scripts). GCE_MAINTSCRIPT_ROOT
# (unset in production) re-roots the probed paths for tests.

set -u

readonly SCRIPTS='google-instance-setup google-guest-daemon google-startup-scripts google-shutdown-scripts'
readonly DAEMON='google-guest-daemon'
readonly ROOT="${GCE_MAINTSCRIPT_ROOT:-}"

# Maps deb and rpm arguments to remove-deb, remove-rpm, upgrade or other.
normalise() {
  case "${1:-}" in
    remove) echo remove-deb; return ;;
    upgrade|failed-upgrade) echo upgrade; return ;;
    ''|*[!0-9]*) echo other; return ;;
  esac
  if [ "$1" -eq 0 ]; then echo remove-rpm; else echo upgrade; fi
}

have() {
  command -v "$1" >/dev/null 2>&1
}

event=$(normalise "$@")
case "$event" in
  remove-deb|remove-rpm) ;;
  *) exit 0 ;;
esac

# Removal must go through even if the daemon refuses to stop or a link cannot be removed,
# hence the tolerated errors.
if have invoke-rc.d; then
  invoke-rc.d "$DAEMON" stop || true
elif [ -x "$ROOT/etc/init.d/$DAEMON" ]; then
  # The script's stop is a no-op when the daemon is not running (a chroot, say).
  "$ROOT/etc/init.d/$DAEMON" stop || true
fi

if [ "$event" = remove-rpm ]; then
  for script in $SCRIPTS; do
    if have insserv; then
      insserv -r "$script" || true
    elif have chkconfig; then
      chkconfig --del "$script" || true
    fi
  done
fi
exit 0
