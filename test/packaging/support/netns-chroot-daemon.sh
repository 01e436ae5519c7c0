#!/usr/bin/env bash
#
# Runs one pass of the installed google_guest_daemon inside a Debian root (chroot) against the
# project's metadata emulator, both inside a private network and mount namespace, so routes,
# sockets and the /proc mount never reach the host. Must be started through
# `unshare --net --mount --fork`; it refuses to run in the host's network namespace.
#
# Usage: netns-chroot-daemon.sh [--trace] ROOT DOCUMENT EMULATOR_BUNDLE [daemon args...]
#   --trace  run the /bin/sh wrapper with `sh -x`, so the output shows which node it executes
# Outputs: the daemon's log lines; exit status is the daemon's.

set -u
set -o pipefail

# shellcheck source=test/packaging/support/private-ns.bash
source "$(dirname "${BASH_SOURCE[0]}")/private-ns.bash"

#######################################
# Prints an error line to stderr.
#######################################
err() {
  echo "netns-chroot-daemon: $*" >&2
}

main() {
  local shell=()
  if [[ "${1:-}" == '--trace' ]]; then
    shell=(/bin/sh -x)
    shift
  fi
  local root="$1" document="$2" emulator="$3" work emu url status
  shift 3
  enter_private_root "${root}" || return
  work="$(mktemp -d)"
  node "${emulator}" --port 0 --document "${document}" >"${work}/emu.out" 2>"${work}/emu.err" &
  emu=$!
  for _ in $(seq 100); do
    grep -q '^listening ' "${work}/emu.out" && break
    sleep 0.1
  done
  url="$(sed -n 's#^listening http://##p' "${work}/emu.out")"
  if [[ -z "${url}" ]]; then
    err "emulator did not start: $(cat "${work}/emu.err")"
    kill "${emu}" 2>/dev/null
    return 1
  fi
  chroot "${root}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin GCE_METADATA_HOST="${url}" \
    ${shell[@]+"${shell[@]}"} /usr/bin/google_guest_daemon "$@" 2>&1
  status=$?
  kill "${emu}" 2>/dev/null
  wait "${emu}" 2>/dev/null
  rm -rf "${work}"
  return "${status}"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
