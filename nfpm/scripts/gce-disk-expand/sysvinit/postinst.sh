#!/bin/sh
#
# gce-disk-expand %post, EL6: registers the expand-root SysV script on first install and
# rebuilds the running kernel's initramfs after every install or upgrade, so its dracut module
# grows the root partition at the next boot. In an image-build chroot (no modules for the
# running kernel) the rebuild is skipped. It never runs expand-root itself.
# GCE_MAINTSCRIPT_ROOT (unset in production) re-roots the probed paths for tests.

set -u

readonly ROOT="${GCE_MAINTSCRIPT_ROOT:-}"

# Maps rpm (and deb) arguments to install, upgrade or other.
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
if [ "$event" = install ] && command -v chkconfig >/dev/null 2>&1; then
  # Registering must not fail the install.
  chkconfig --add expand-root || true
fi
case "$event" in
  install|upgrade)
    if command -v dracut >/dev/null 2>&1 && [ -d "$ROOT/lib/modules/$(uname -r)" ]; then
      # A failed rebuild leaves the old initramfs in place; the next kernel update rebuilds.
      dracut --force || true
    fi
    ;;
esac
exit 0
