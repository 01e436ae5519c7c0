#!/usr/bin/env bash
#
# Builds (once) and caches the machine root the side-by-side benchmark runs every implementation
# in, and prints the tarball's path: the project's cached Debian 12 root
# (test/packaging/support/debian-root.sh) plus python3, python3-venv and socat from the
# configured Debian mirror, a virtualenv /opt/gce-python holding google-compute-engine==2.8.13
# from PyPI (the original Python guest environment, with its dependencies boto, setuptools and
# distro), a recording stub in place of hwclock, and metadata.google.internal in /etc/hosts.
# The cache lives beside the Debian 12 tarball ($GCE_DEBOOTSTRAP_CACHE, default
# ~/.cache/gce-debootstrap); everything else happens in a temp directory inside a private mount
# namespace, so no mount is left behind and nothing outside the cache and the temp dir changes.
#
# Usage: bench-root.sh [--print-only]

set -u
set -o pipefail

readonly PY_PACKAGE='google-compute-engine==2.8.13'
readonly CACHE_DIR="${GCE_DEBOOTSTRAP_CACHE:-${HOME}/.cache/gce-debootstrap}"
readonly TARBALL="${CACHE_DIR}/debian12-bench-gce2813.tar.gz"
SUPPORT="$(dirname "$0")/../../test/packaging/support"
readonly SUPPORT

#######################################
# Prints an error line to stderr.
# Arguments:
#   Message words.
#######################################
err() {
  echo "bench-root: $*" >&2
}

#######################################
# Runs inside `unshare --mount`: installs the Python peer into the extracted root.
# Arguments:
#   The root directory.
# Returns:
#   0 when the root is complete.
#######################################
provision() {
  local root="$1"
  mount -t proc proc "${root}/proc" || return 1
  cp /etc/resolv.conf "${root}/etc/resolv.conf" || return 1
  # pip must trust whatever CA this machine's own pip trusts.
  if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
    cp /etc/ssl/certs/ca-certificates.crt "${root}/tmp/host-ca.crt" || return 1
  fi
  chroot "${root}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 python3-venv socat' ||
    return 1
  chroot "${root}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    sh -c "python3 -m venv /opt/gce-python && /opt/gce-python/bin/pip install -q \
      --disable-pip-version-check --cert /tmp/host-ca.crt '${PY_PACKAGE}'" || return 1
  chroot "${root}" /opt/gce-python/bin/pip freeze >"${root}/opt/gce-python/FREEZE" || return 1
  # hwclock must never touch a clock here: a stub records when it ran and with what.
  # shellcheck disable=SC2016  # the stub's own variables, expanded when it runs
  printf '%s\n' '#!/bin/bash' '# Benchmark stub: records the call instead of setting the clock.' \
    'echo "${EPOCHREALTIME} $*" >>/var/log/hwclock-calls' >"${root}/usr/sbin/hwclock" || return 1
  chmod 0755 "${root}/usr/sbin/hwclock" || return 1
  echo '169.254.169.254 metadata.google.internal metadata' >>"${root}/etc/hosts" || return 1
  rm -f "${root}/tmp/host-ca.crt" "${root}/etc/resolv.conf"
  rm -rf "${root}/var/cache/apt/archives/"*.deb "${root}/var/lib/apt/lists/"* "${root}/root/.cache"
  umount "${root}/proc"
}

#######################################
# Extracts the Debian 12 root, provisions it and packs it into the cache.
# Globals:
#   CACHE_DIR, TARBALL, SUPPORT
# Returns:
#   0 when the tarball was written.
#######################################
build_tarball() {
  local base work
  # The packaging tests' cached Debian 12 root (debian-root.sh SUITE, or the older debian12-root.sh).
  if [[ -x "${SUPPORT}/debian-root.sh" ]]; then
    base="$("${SUPPORT}/debian-root.sh" bookworm)" || return 1
  else
    base="$("${SUPPORT}/debian12-root.sh")" || return 1
  fi
  mkdir -p "${CACHE_DIR}" || return 1
  work="$(mktemp -d "${CACHE_DIR}/bench.XXXXXX")" || return 1
  mkdir "${work}/root" && tar -C "${work}/root" -xzf "${base}" || return 1
  err "installing python3, python3-venv, socat and ${PY_PACKAGE} (a few minutes, once)"
  if ! unshare --mount --propagation private bash "$0" --provision "${work}/root" \
    >"${work}/provision.log" 2>&1; then
    err "provisioning failed; log kept at ${work}/provision.log"
    return 1
  fi
  tar -C "${work}/root" -czf "${TARBALL}.tmp" . || return 1
  mv "${TARBALL}.tmp" "${TARBALL}" && rm -rf "${work}"
}

main() {
  if [[ "${1:-}" == '--provision' ]]; then
    provision "$2"
    return
  fi
  if [[ -f "${TARBALL}" ]]; then
    echo "${TARBALL}"
    return 0
  fi
  if [[ "${1:-}" == '--print-only' ]]; then
    return 1
  fi
  if (( EUID != 0 )); then
    err 'building the benchmark root needs root'
    return 1
  fi
  build_tarball || return 1
  echo "${TARBALL}"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
