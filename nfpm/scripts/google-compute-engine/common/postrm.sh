#!/bin/sh
#
# google-compute-engine postrm (deb; rpm has no purge and erases keep generated files). On purge
# removes the files the guest environment generated at run time: the boot-time
# instance_configs.cfg, /etc/boto.cfg when it still carries the generated-file header, and the
# state under /var/lib/google. Accounts, the google-sudoers group, /etc/sudoers.d/google_sudoers
# and SSH host keys stay: a package operation never revokes access. GCE_MAINTSCRIPT_ROOT (unset
# in production) re-roots the paths for tests.

set -u

readonly ROOT="${GCE_MAINTSCRIPT_ROOT:-}"
readonly GENERATED_HEADER='# This file is automatically created at boot time'

# Maps deb and rpm arguments to purge or other.
normalise() {
  case "${1:-}" in
    purge) echo purge ;;
    *) echo other ;;
  esac
}

[ "$(normalise "$@")" = purge ] || exit 0

rm -f "$ROOT/etc/default/instance_configs.cfg"

boto="$ROOT/etc/boto.cfg"
if [ -f "$boto" ] && head -n 1 "$boto" | grep -qF "$GENERATED_HEADER"; then
  rm -f "$boto"
fi

rm -f "$ROOT/var/lib/google/"google_users* "$ROOT/var/lib/google/instance_configs.generated"
# Leave the directory when anything else (another tool's state) is still in it.
rmdir "$ROOT/var/lib/google" 2>/dev/null || true
exit 0
