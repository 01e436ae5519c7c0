#!/bin/sh
#
# google-compute-engine-init postinst (deb) / %post (rpm), upstart rows. Jobs need no
# enabling: their start stanzas act from the next boot. When upstart is running, starts
# google-guest-daemon on install and restarts it on upgrade if it is running. Never starts
# instance setup or the script jobs, never contacts the metadata server. GCE_MAINTSCRIPT_ROOT
# is accepted for symmetry with the other init variants; upstart is probed with initctl.

set -u

readonly JOB='google-guest-daemon'

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

# True when upstart is the running init (false in image-build chroots).
upstart_running() {
  command -v initctl >/dev/null 2>&1 && initctl version 2>/dev/null | grep -q upstart
}

job_running() {
  initctl status "$JOB" 2>/dev/null | grep -q 'start/running'
}

upstart_running || exit 0

case "$(normalise "$@")" in
  install)
    # "Job is already running" is not an error for a package install.
    initctl start "$JOB" || true
    ;;
  upgrade)
    # upstart's restart keeps the old job definition; stop and start reload it.
    if job_running; then
      initctl stop "$JOB" || true
      initctl start "$JOB" || true
    fi
    ;;
esac
exit 0
