#!/usr/bin/env bash
#
# Builds (once) and caches a Debian 12 root filesystem as a tarball for the packaging install
# test, and prints the tarball's path. The cache lives outside the repository
# ($GCE_DEBOOTSTRAP_CACHE, default ~/.cache/gce-debootstrap) so `make clean` keeps it and git
# never sees it. It must not touch anything but its cache directory and a temp directory.
#
# Usage: debian12-root.sh [--print-only]
#   --print-only  print the path when the tarball exists, exit 1 otherwise (no build)

set -u
set -o pipefail

readonly SUITE='bookworm'
# Everything the three packages depend on, plus systemd so `systemctl preset` runs in postinst.
readonly INCLUDE='nodejs,iproute2,openssh-client,util-linux,passwd,systemd,sudo,ethtool'
readonly CACHE_DIR="${GCE_DEBOOTSTRAP_CACHE:-${HOME}/.cache/gce-debootstrap}"
readonly TARBALL="${CACHE_DIR}/debian12-minbase.tar.gz"

#######################################
# Prints an error line to stderr.
# Arguments:
#   Message words.
#######################################
err() {
  echo "debian12-root: $*" >&2
}

#######################################
# Finds the Debian mirror configured for apt on this machine (deb822 or one-line format).
# Outputs:
#   The mirror URI, or the public default when none is configured.
#######################################
find_mirror() {
  local uri
  uri="$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '{print $2}' | grep -v -- '-security' | head -n1)"
  if [[ -z "${uri}" ]]; then
    uri="$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null |
      awk '{print $2}' | grep -v -- '-security' | head -n1)"
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

#######################################
# Runs debootstrap into a temp directory and packs the result into the cache.
# Globals:
#   CACHE_DIR, TARBALL, SUITE, INCLUDE
# Returns:
#   0 when the tarball was written.
#######################################
build_tarball() {
  local work mirror status
  if ! command -v debootstrap >/dev/null; then
    err 'debootstrap is not installed (apt-get install debootstrap)'
    return 1
  fi
  mkdir -p "${CACHE_DIR}" || return 1
  work="$(mktemp -d "${CACHE_DIR}/build.XXXXXX")" || return 1
  mirror="$(find_mirror)"
  err "debootstrap ${SUITE} from ${mirror} (a few minutes, once)"
  debootstrap --variant=minbase --include="${INCLUDE}" "${SUITE}" "${work}/root" "${mirror}" \
    >"${work}/debootstrap.log" 2>&1
  status=$?
  # debootstrap may leave proc/sys mounted after a failure; never leave mounts behind.
  umount -l "${work}/root/proc" 2>/dev/null || true
  umount -l "${work}/root/sys" 2>/dev/null || true
  if (( status != 0 )); then
    err "debootstrap failed (${status}); log kept at ${work}/debootstrap.log"
    return 1
  fi
  rm -rf "${work}/root/var/cache/apt/archives/"*.deb
  if ! tar -C "${work}/root" -czf "${TARBALL}.tmp" .; then
    err 'could not pack the root'
    return 1
  fi
  mv "${TARBALL}.tmp" "${TARBALL}" && rm -rf "${work}"
}

main() {
  if [[ -f "${TARBALL}" ]]; then
    echo "${TARBALL}"
    return 0
  fi
  if [[ "${1:-}" == '--print-only' ]]; then
    return 1
  fi
  if (( EUID != 0 )); then
    err 'debootstrap needs root'
    return 1
  fi
  build_tarball || return 1
  echo "${TARBALL}"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
