#!/bin/sh
#
# gce-disk-expand %postun, EL7: after erase tells a running systemd that the unit is gone.
# GCE_MAINTSCRIPT_ROOT (unset in production) re-roots the probed paths for tests.

set -u

readonly ROOT="${GCE_MAINTSCRIPT_ROOT:-}"

# Maps rpm (and deb) arguments to remove, purge, upgrade or other.
normalise() {
  case "${1:-}" in
    remove|purge|upgrade) echo "$1"; return ;;
    ''|*[!0-9]*) echo other; return ;;
  esac
  if [ "$1" -eq 0 ]; then echo remove; else echo upgrade; fi
}

[ "$(normalise "$@")" = remove ] || exit 0
if [ -d "$ROOT/run/systemd/system" ] && command -v systemctl >/dev/null 2>&1; then
  systemctl daemon-reload || true
fi
exit 0
