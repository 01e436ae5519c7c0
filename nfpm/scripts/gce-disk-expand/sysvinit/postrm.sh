#!/bin/sh
#
# gce-disk-expand %postun, EL6: after erase rebuilds the running kernel's initramfs without the
# expand-root dracut module (skipped in chroots, as in %post). GCE_MAINTSCRIPT_ROOT (unset in
# production) re-roots the probed paths for tests.

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
if command -v dracut >/dev/null 2>&1 && [ -d "$ROOT/lib/modules/$(uname -r)" ]; then
  # A failed rebuild must not fail the erase; the old initramfs only runs a no-op hook.
  dracut --force || true
fi
exit 0
