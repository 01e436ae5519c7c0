#!/usr/bin/env bash
#
# One "boot" of a benchmark machine: runs a command chrooted into an overlay of the benchmark
# root, inside the private network namespace the caller made (`ip netns exec NS unshare --mount
# --propagation private bash sandbox.sh …`). The overlay's upper layer lives in RUN/upper, so a
# second call with the same RUN sees the first one's changes (a second boot); /run is a fresh
# tmpfs each time. The chroot gets the host's /proc with /proc/irq hidden and /proc/sys
# read-only, and a read-only sysfs of the namespace, so helpers that tune IRQs or queues reach
# nothing outside the namespace. /dev/log is served by socat into /var/log/bench-syslog.
# Mounts vanish with the mount namespace; it refuses to run in the initial network namespace.
#
# Usage: BENCH_IMPL_BIN=DIR sandbox.sh LOWER RUN COMMAND [ARGS…]
#   DIR (inside the root) comes first on the command's PATH: the implementation's bin directory.
# Outputs: RUN/anchor.pid (a process whose /proc/PID/root is the machine root), RUN/times
#   (bash `times` before and after COMMAND: the command tree's CPU is the difference of the
#   children lines); the command's output. Exit status: the command's.

set -u
set -o pipefail

#######################################
# Prints an error line to stderr.
# Arguments:
#   Message words.
#######################################
err() {
  echo "bench-sandbox: $*" >&2
}

#######################################
# Mounts the machine root and its pseudo file systems.
# Arguments:
#   Lower directory, run directory.
# Returns:
#   0 when every mount succeeded.
#######################################
mount_root() {
  local lower="$1" run="$2" root="$2/root"
  mkdir -p "${run}/upper" "${run}/work" "${root}" || return 1
  mount -t overlay overlay -o "lowerdir=${lower},upperdir=${run}/upper,workdir=${run}/work" \
    "${root}" || return 1
  mount -t proc proc "${root}/proc" || return 1
  mount -t tmpfs -o ro,size=4k,mode=0555 tmpfs "${root}/proc/irq" || return 1
  mount --bind "${root}/proc/sys" "${root}/proc/sys" || return 1
  mount -o remount,bind,ro "${root}/proc/sys" || return 1
  mount -t sysfs -o ro sysfs "${root}/sys" || return 1
  mount -t tmpfs -o mode=0755 tmpfs "${root}/run" || return 1
  mkdir -p "${root}/run/lock" || return 1
}

main() {
  local lower="$1" run="$2" root sink status
  shift 2
  if [[ "$(readlink /proc/self/ns/net)" == "$(readlink /proc/1/ns/net)" ]]; then
    err 'refusing to run in the initial network namespace'
    return 2
  fi
  root="${run}/root"
  mount_root "${lower}" "${run}" || { err 'mounting the machine root failed'; return 1; }
  rm -f "${root}/dev/log"
  chroot "${root}" socat -u UNIX-RECV:/dev/log,mode=0666 \
    OPEN:/var/log/bench-syslog,creat,append &
  sink=$!
  for _ in $(seq 100); do
    [[ -S "${root}/dev/log" ]] && break
    sleep 0.02
  done
  echo "${sink}" >"${run}/anchor.pid"
  times >"${run}/times"
  chroot "${root}" env -i "PATH=${BENCH_IMPL_BIN:-/usr/local/bin}:/usr/sbin:/usr/bin:/sbin:/bin" \
    HOME=/root LANG=C.UTF-8 "$@"
  status=$?
  times >>"${run}/times"
  kill "${sink}" 2>/dev/null
  wait "${sink}" 2>/dev/null
  return "${status}"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
