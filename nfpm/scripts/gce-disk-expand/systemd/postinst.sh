#!/bin/sh
#
# gce-disk-expand %post, EL7: enables expand-root.service on first install (EL7's default preset
# would leave it disabled), so the root disk is grown at the next boot. It never starts the unit:
# growing a disk is boot-time work, not a package operation. GCE_MAINTSCRIPT_ROOT (unset in
# production) re-roots the probed paths for tests.

set -u

readonly UNIT='expand-root.service'
readonly ROOT="${GCE_MAINTSCRIPT_ROOT:-}"

# Maps rpm (and deb, for symmetry) arguments to install, upgrade or other.
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

event=$(normalise "$@")
command -v systemctl >/dev/null 2>&1 || exit 0
case "$event" in
  install|upgrade)
    if [ -d "$ROOT/run/systemd/system" ]; then
      # A failed reload must not fail the transaction; the next boot reloads anyway.
      systemctl daemon-reload || true
    fi
    ;;
esac
if [ "$event" = install ]; then
  # Link management only; tolerated so an odd systemd never blocks the install.
  systemctl enable "$UNIT" || true
fi
exit 0
