#!/bin/sh
#
# gce-disk-expand %preun, EL6: on erase only unregisters the expand-root SysV script, while it
# still exists (chkconfig --del reads it). Never runs it.

set -u

# Maps rpm (and deb) arguments to remove, upgrade or other.
normalise() {
  case "${1:-}" in
    remove) echo remove; return ;;
    upgrade|failed-upgrade) echo upgrade; return ;;
    ''|*[!0-9]*) echo other; return ;;
  esac
  if [ "$1" -eq 0 ]; then echo remove; else echo upgrade; fi
}

[ "$(normalise "$@")" = remove ] || exit 0
if command -v chkconfig >/dev/null 2>&1; then
  # Unregistering must not fail the erase.
  chkconfig --del expand-root || true
fi
exit 0
