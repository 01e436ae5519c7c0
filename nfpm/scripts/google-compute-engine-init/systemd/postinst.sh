#!/bin/sh
#
# google-compute-engine-init postinst (deb) / %post (rpm), systemd rows. Enables the four units
# on install and starts google-guest-daemon when systemd is running; on upgrade reloads systemd
# and restarts the daemon only if it is running. It never runs instance setup or the script
# runners, never contacts the metadata server, and never touches google-shutdown-scripts except
# to enable it. GCE_MAINTSCRIPT_ROOT (unset in production) re-roots the probed paths for tests.

set -u

readonly UNITS='google-instance-setup.service google-guest-daemon.service google-startup-scripts.service google-shutdown-scripts.service'
readonly DAEMON_UNIT='google-guest-daemon.service'
readonly OLD_DAEMON_UNITS='google-accounts-daemon.service google-clock-skew-daemon.service google-ip-forwarding-daemon.service'
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

systemd_running() {
  [ -d "$ROOT/run/systemd/system" ]
}

have() {
  command -v "$1" >/dev/null 2>&1
}

daemon_reload() {
  if systemd_running && have systemctl; then
    # A failed reload must not fail the package transaction; the next boot reloads anyway.
    systemctl daemon-reload || true
  fi
}

# Enables the units. On Debian, deb-systemd-helper keeps an administrator's disabling across
# upgrades (the debhelper idiom); elsewhere the preset file decides, on first install only.
enable_units() {
  if have deb-systemd-helper; then
    for unit in $UNITS; do
      if deb-systemd-helper --quiet was-enabled "$unit"; then
        deb-systemd-helper enable "$unit" || true
      else
        deb-systemd-helper update-state "$unit" || true
      fi
    done
  elif [ "$event" = install ] && have systemctl; then
    # shellcheck disable=SC2086 # UNITS is a word list
    systemctl preset $UNITS || true
  fi
}

# Stops and unlinks the 2016 per-daemon units that google-guest-daemon replaces. Returns 0 when
# any was enabled, so the caller treats the upgrade like an install.
migrate_2016_units() {
  found=1
  for old in $OLD_DAEMON_UNITS; do
    link="$ROOT/etc/systemd/system/multi-user.target.wants/$old"
    [ -L "$link" ] || continue
    found=0
    if systemd_running && have systemctl; then
      systemctl stop "$old" || true
    fi
    rm -f "$link"
  done
  return "$found"
}

start_daemon() {
  systemd_running || return 0
  if have deb-systemd-invoke; then
    deb-systemd-invoke start "$DAEMON_UNIT" || true
  elif have systemctl; then
    systemctl start --no-block "$DAEMON_UNIT" || true
  fi
}

restart_daemon_if_running() {
  systemd_running || return 0
  if have deb-systemd-invoke; then
    deb-systemd-invoke try-restart "$DAEMON_UNIT" || true
  elif have systemctl; then
    systemctl try-restart "$DAEMON_UNIT" || true
  fi
}

event=$(normalise "$@")
if [ "$event" = upgrade ] && migrate_2016_units; then
  event=install
elif [ "$event" = install ]; then
  migrate_2016_units || true
fi

case "$event" in
  install)
    daemon_reload
    enable_units
    start_daemon
    ;;
  upgrade)
    daemon_reload
    enable_units
    restart_daemon_if_running
    ;;
esac
exit 0
