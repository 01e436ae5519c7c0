#!/bin/sh
#
# google-compute-engine-init postinst (deb) / %post (rpm), sysvinit rows. On install registers
# the four scripts for their default runlevels and, on a running system, starts
# google-guest-daemon; on upgrade restarts the daemon only if it is running. Never starts
# instance setup or the script runners, never contacts the metadata server.
# GCE_MAINTSCRIPT_ROOT (unset in production) re-roots the probed paths for tests.

set -u

readonly SCRIPTS='google-instance-setup google-guest-daemon google-startup-scripts google-shutdown-scripts'
readonly DAEMON='google-guest-daemon'
readonly ROOT="${GCE_MAINTSCRIPT_ROOT:-}"

# Maps deb and rpm arguments to install, upgrade or other.
normalise() {
  case "${1:-}" in
    configure)
      if [ -z "${2:-}" ]; then echo install; else echo upgrade; fi
      return
      ;;
    ''|*[!0-9]*) echo other; return ;;
  esac
  if [ "$1" -eq 1 ]; then echo install; elif [ "$1" -ge 2 ]; then echo upgrade; else echo other; fi
}

have() {
  command -v "$1" >/dev/null 2>&1
}

# True on a booted system in a multi-user runlevel (false in image-build chroots).
system_running() {
  level=$(runlevel 2>/dev/null | awk '{print $2}')
  case "$level" in
    [2345]) return 0 ;;
  esac
  return 1
}

register() {
  for script in $SCRIPTS; do
    if have update-rc.d; then
      update-rc.d "$script" defaults >/dev/null || true
    elif have insserv; then
      insserv "$script" || true
    elif have chkconfig; then
      chkconfig --add "$script" || true
    fi
  done
}

# Runs one action of the daemon's script: invoke-rc.d honours policy-rc.d and knows when the
# system is not running; elsewhere the runlevel check stands in for it.
daemon_action() {
  if have invoke-rc.d; then
    invoke-rc.d "$DAEMON" "$1" || true
  elif system_running && [ -x "$ROOT/etc/init.d/$DAEMON" ]; then
    "$ROOT/etc/init.d/$DAEMON" "$1" || true
  fi
}

case "$(normalise "$@")" in
  install)
    register
    daemon_action start
    ;;
  upgrade)
    daemon_action try-restart
    ;;
esac
exit 0
