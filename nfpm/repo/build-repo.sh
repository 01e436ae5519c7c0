#!/usr/bin/env bash
#
# Turns the packages under dist/<row>/ into signed repositories under dist/repo/ (`make repo`):
#   dist/repo/google-compute-engine-keyring.{gpg,asc}       the public key (binary / armoured)
#   dist/repo/apt/dists/google-compute-engine-<codename>/   one apt suite per Debian/Ubuntu row,
#   dist/repo/apt/pool/google-compute-engine-<codename>/      component main, Release signed
#   dist/repo/yum/google-compute-engine-<row>-<arch>/       one yum/dnf/zypper repository per
#                                                           EL/SLES row, packages and metadata
#                                                           signed
# Only rows with packages in dist/ are published; the apt tree is rebuilt on every run, the yum
# repositories are updated in place (see yum-repo.sh). The signing key: see signing-key.sh.
# It reads nfpm/rows and dist/<row>/ and writes only under dist/ and a private temp GNUPGHOME.
#
# Usage: build-repo.sh [DIST_DIR]   (default: the checkout's dist/)

set -u
set -o pipefail

#######################################
# Prints an error line to stderr.
#######################################
err() {
  echo "build-repo: $*" >&2
}

# shellcheck source=nfpm/repo/signing-key.sh
. "$(dirname "${BASH_SOURCE[0]}")/signing-key.sh"
# shellcheck source=nfpm/repo/apt-suite.sh
. "$(dirname "${BASH_SOURCE[0]}")/apt-suite.sh"
# shellcheck source=nfpm/repo/yum-repo.sh
. "$(dirname "${BASH_SOURCE[0]}")/yum-repo.sh"

#######################################
# Prints one value of a row file (sourced in a subshell, so nothing leaks).
# Arguments:
#   row id, variable name.
#######################################
row_value() {
  (
    # shellcheck source=/dev/null
    . "nfpm/rows/$1.env"
    printf '%s' "${!2:-}"
  )
}

#######################################
# Fails with the apt-get line that installs a missing tool.
# Arguments:
#   command, Debian package.
#######################################
need() {
  command -v "$1" >/dev/null && return 0
  err "$1 is missing: apt-get install $2"
  return 1
}

main() {
  local dist out row type codename started files=() debs=0 rpms=0 published=() dir
  cd "$(dirname "${BASH_SOURCE[0]}")/../.." || return 1
  dist="$(realpath -m "${1:-dist}")"
  out="${dist}/repo"
  started="$(date +%s)"
  for row in $(find nfpm/rows -name '*.env' -printf '%f\n' | sed 's/\.env$//' | sort); do
    type="$(row_value "${row}" PKG_TYPE)"
    compgen -G "${dist}/${row}/*.${type}" >/dev/null || continue
    if [[ "${type}" == 'deb' ]]; then
      codename="$(row_value "${row}" ROW_CODENAME)"
      if [[ -z "${codename}" ]]; then
        err "nfpm/rows/${row}.env has no ROW_CODENAME"
        return 1
      fi
      debs=$((debs + 1))
    else
      rpms=$((rpms + 1))
    fi
    files+=("${row}")
  done
  if (( ${#files[@]} == 0 )); then
    err "no packages under ${dist}/<row>/: build some first" \
      '(make deb DIST=debian12, make all-packages)'
    return 1
  fi
  need gpg gnupg && need gpgv gpgv || return 1
  if (( debs > 0 )); then
    need apt-ftparchive apt-utils && need dpkg-deb dpkg || return 1
  fi
  if (( rpms > 0 )); then
    need createrepo_c createrepo-c && need rpmsign rpm || return 1
  fi

  trap signing_key_cleanup EXIT
  signing_key_setup "${dist}" || return 1
  mkdir -p "${out}" && signing_key_export "${out}" || return 1
  REPO_KEYRING="${out}/google-compute-engine-keyring.gpg"

  rm -rf "${out}/apt.new"
  for row in "${files[@]}"; do
    type="$(row_value "${row}" PKG_TYPE)"
    if [[ "${type}" == 'deb' ]]; then
      dir="google-compute-engine-$(row_value "${row}" ROW_CODENAME)"
      apt_suite_build "${out}/apt.new" "${dir}" "$(row_value "${row}" ROW_NAME)" \
        "${dist}/${row}"/*.deb || { err "apt suite ${dir} failed"; return 1; }
      published+=("apt/dists/${dir}")
    else
      dir="google-compute-engine-${row}-$(yum_repo_arch "${dist}/${row}"/*.rpm)" || return 1
      yum_repo_update "${out}/yum/${dir}" "${dist}/${row}"/*.rpm ||
        { err "yum repository ${dir} failed"; return 1; }
      published+=("yum/${dir}")
    fi
  done
  rm -rf "${out}/apt"
  if [[ -d "${out}/apt.new" ]]; then
    mv "${out}/apt.new" "${out}/apt" || return 1
  fi
  # yum repositories of rows that are no longer built are dropped.
  for dir in "${out}"/yum/*; do
    [[ -d "${dir}" ]] || continue
    printf '%s\n' "${published[@]}" | grep -qxF "yum/$(basename "${dir}")" || rm -rf "${dir}"
  done
  echo "repositories in ${out} ($(( $(date +%s) - started )) s):"
  printf '  %s\n' "${published[@]}"
  if (( SIGNING_THROWAWAY )); then
    signing_key_warn_throwaway
  fi
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
