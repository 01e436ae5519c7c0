#!/usr/bin/env bash
#
# Builds (once) and caches a Debian root filesystem of one suite as a tarball for the packaging
# install tests, and prints the tarball's path. The cache lives outside the repository
# ($GCE_DEBOOTSTRAP_CACHE, default ~/.cache/gce-debootstrap) so `make clean` keeps it and git
# never sees it. It must not touch anything but its cache directory and a temp directory in it.
#
# The mirror is the one apt uses on this machine ($GCE_DEBOOTSTRAP_MIRROR overrides it). A suite
# past its support end leaves deb.debian.org for archive.debian.org (buster already has; bullseye
# will when its LTS ends in 2026): point GCE_DEBOOTSTRAP_MIRROR at http://archive.debian.org/debian.
#
# Usage: debian-root.sh SUITE [--print-only|--check]
#   SUITE         bookworm (Debian 12) or bullseye (Debian 11)
#   --print-only  print the path when the tarball exists, exit 1 otherwise (no build)
#   --check       print the path when cached; else exit 1 with the reason on stdout when it
#                 could not be built here (not root, no debootstrap, suite not on the mirror)

set -u
set -o pipefail

readonly CACHE_DIR="${GCE_DEBOOTSTRAP_CACHE:-${HOME}/.cache/gce-debootstrap}"
# What the three packages depend on, plus systemd so `systemctl preset` runs in postinst, plus
# the distribution's own nodejs (18.19 on bookworm, the runtime there; 12.22 on bullseye, which
# the bundled runtime must ignore) and libstdc++6 (the bundled runtime's library).
readonly INCLUDE='nodejs,iproute2,openssh-client,util-linux,passwd,systemd,sudo,ethtool,libstdc++6'

#######################################
# Prints an error line to stderr.
# Arguments:
#   Message words.
#######################################
err() {
  echo "debian-root: $*" >&2
}

#######################################
# Maps a suite to its cache name.
# Arguments:
#   Suite codename.
# Outputs:
#   debian11 or debian12; nothing (status 1) for another suite.
#######################################
suite_name() {
  case "$1" in
    bookworm) echo 'debian12' ;;
    bullseye) echo 'debian11' ;;
    *) return 1 ;;
  esac
}

#######################################
# Finds the Debian mirror configured for apt on this machine (deb822 or one-line format).
# Outputs:
#   $GCE_DEBOOTSTRAP_MIRROR, else the apt mirror URI, else the public default.
#######################################
find_mirror() {
  local uri="${GCE_DEBOOTSTRAP_MIRROR:-}"
  if [[ -z "${uri}" ]]; then
    uri="$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
      awk '{print $2}' | grep -v -- '-security' | head -n1)"
  fi
  if [[ -z "${uri}" ]]; then
    uri="$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null |
      awk '{print $2}' | grep -v -- '-security' | head -n1)"
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

#######################################
# Says why the root cannot be built here.
# Arguments:
#   Suite codename.
# Outputs:
#   The reason on stdout; nothing when a build can start.
#######################################
cannot_build() {
  local suite="$1" mirror
  if (( EUID != 0 )); then
    echo 'debootstrap needs root'
  elif ! command -v debootstrap >/dev/null; then
    echo 'debootstrap is not installed (apt-get install debootstrap)'
  elif ! command -v wget >/dev/null; then
    echo 'wget (a debootstrap dependency) is not installed'
  else
    mirror="$(find_mirror)"
    if ! wget -q -T 15 -t 1 -O /dev/null "${mirror}/dists/${suite}/Release"; then
      echo "${mirror} has no reachable ${suite} (set GCE_DEBOOTSTRAP_MIRROR, e.g. http://archive.debian.org/debian)"
    fi
  fi
}

#######################################
# Runs debootstrap into a temp directory and packs the result into the cache.
# Arguments:
#   Suite codename, tarball path.
# Returns:
#   0 when the tarball was written.
#######################################
build_tarball() {
  local suite="$1" tarball="$2" work mirror status
  work="$(mktemp -d "${CACHE_DIR}/build.XXXXXX")" || return 1
  mirror="$(find_mirror)"
  err "debootstrap ${suite} from ${mirror} (a few minutes, once)"
  debootstrap --variant=minbase --include="${INCLUDE}" "${suite}" "${work}/root" "${mirror}" \
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
  if ! tar -C "${work}/root" -czf "${work}/root.tar.gz" .; then
    err 'could not pack the root'
    return 1
  fi
  mv "${work}/root.tar.gz" "${tarball}" && rm -rf "${work}"
}

main() {
  local suite="${1:-}" mode="${2:-}" name tarball reason lock
  if ! name="$(suite_name "${suite}")"; then
    err "unknown suite '${suite}' (bookworm or bullseye)"
    return 2
  fi
  tarball="${CACHE_DIR}/${name}-minbase.tar.gz"
  if [[ -f "${tarball}" ]]; then
    echo "${tarball}"
    return 0
  fi
  case "${mode}" in
    --print-only) return 1 ;;
    --check)
      reason="$(cannot_build "${suite}")"
      [[ -z "${reason}" ]] && return 0
      echo "${reason}"
      return 1
      ;;
  esac
  reason="$(cannot_build "${suite}")"
  if [[ -n "${reason}" ]]; then
    err "${reason}"
    return 1
  fi
  mkdir -p "${CACHE_DIR}" || return 1
  # One builder per suite: a concurrent caller waits, then finds the tarball.
  exec {lock}>"${CACHE_DIR}/${name}.lock" || return 1
  flock "${lock}" || return 1
  if [[ ! -f "${tarball}" ]]; then
    build_tarball "${suite}" "${tarball}" || return 1
  fi
  echo "${tarball}"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
