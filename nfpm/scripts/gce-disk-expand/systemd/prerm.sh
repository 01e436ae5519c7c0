#!/bin/sh
#
# gce-disk-expand %preun, EL7: on erase only (never on upgrade) disables expand-root.service.
# It never stops or starts it (a oneshot that has long finished).

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
if command -v systemctl >/dev/null 2>&1; then
  # Unlinking must not fail the erase.
  systemctl --no-reload disable expand-root.service || true
fi
exit 0
