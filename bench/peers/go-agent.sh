#!/usr/bin/env bash
#
# Builds (once) Google's Go guest agent with `go install` from the Go module proxy into a cache
# directory and prints the binary's path. When it cannot be built, prints go's own error on
# stderr and exits 1, so the benchmark report can say exactly why. Changes nothing but the cache
# directory and the Go build and module caches.
#
# Usage: go-agent.sh [VERSION]   (default: latest)

set -u
set -o pipefail

readonly MODULE='github.com/GoogleCloudPlatform/guest-agent'
readonly CACHE_DIR="${GCE_BENCH_CACHE:-${HOME}/.cache/gce-bench}/go-agent"

#######################################
# Prints an error line to stderr.
# Arguments:
#   Message words.
#######################################
err() {
  echo "go-agent: $*" >&2
}

main() {
  local version="${1:-latest}" bin
  bin="${CACHE_DIR}/${version}/google_guest_agent"
  if [[ -x "${bin}" ]]; then
    echo "${bin}"
    return 0
  fi
  if ! command -v go >/dev/null; then
    err 'go is not installed'
    return 1
  fi
  mkdir -p "${CACHE_DIR}/${version}" || return 1
  if ! GOBIN="${CACHE_DIR}/${version}" GOFLAGS=-mod=mod \
    go install "${MODULE}/google_guest_agent@${version}"; then
    err "go install ${MODULE}/google_guest_agent@${version} failed ($(go version))"
    return 1
  fi
  echo "${bin}"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
