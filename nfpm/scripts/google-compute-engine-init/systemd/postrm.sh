#!/bin/sh
#
# google-compute-engine-init postrm (deb) / %postun (rpm), systemd rows. After real removal,
# tells a running systemd that the unit files are gone. Nothing on upgrade; the purge cleanup of
# generated files belongs to google-compute-engine. GCE_MAINTSCRIPT_ROOT (unset in production)
# re-roots the probed paths for tests.

set -u

readonly ROOT="${GCE_MAINTSCRIPT_ROOT:-}"

# Maps deb and rpm arguments to remove, purge, upgrade or other.
normalise() {
  case "${1:-}" in
    remove) echo remove; return ;;
    purge) echo purge; return ;;
    upgrade) echo upgrade; return ;;
    ''|*[!0-9]*) echo other; return ;;
  esac
  if [ "$1" -eq 0 ]; then echo remove; else echo upgrade; fi
}

[ "$(normalise "$@")" = remove ] || exit 0

if [ -d "$ROOT/run/systemd/system" ] && command -v systemctl >/dev/null 2>&1; then
  # A failed reload must not fail the removal; the next boot reloads anyway.
  systemctl daemon-reload || true
fi
exit 0
