#!/usr/bin/env bash
#
# Builds the packages of one distribution row (nfpm/rows/<row>.env) into dist/<row>/ from the
# payload tree `make dist` produced. Bundled-runtime rows also get the build machine's Node.js
# binary, after checking its version and the glibc it needs against the row. It reads the row
# file and the repository and writes only under dist/.
#
# Usage: build-row.sh ROW deb|rpm|any
#   A packager that is not the row's own builds nothing and says so.

set -u
set -o pipefail

readonly NODE_FLOOR='18.19.0'
# Libraries of the C/C++ base system that every glibc >= 2.28 target has; anything else the
# bundled binary needs would be missing there.
readonly BASE_LIBS='^(libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|libstdc\+\+\.so\.6|libgcc_s\.so\.1|ld-linux-[a-z0-9_-]+\.so\.[0-9])$'

#######################################
# Prints an error line to stderr.
#######################################
err() {
  echo "build-row: $*" >&2
}

#######################################
# True when dotted version $1 >= $2.
#######################################
version_ge() {
  [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]
}

#######################################
# Copies the build machine's Node.js into dist/runtime/node for a bundled-runtime row, after
# checking its version, its shared libraries and the newest glibc symbol it needs.
# Globals:
#   ROW_GLIBC (read), RUNTIME_ARCH (exported)
# Returns:
#   1 when no suitable binary exists.
#######################################
prepare_runtime() {
  local node version needs_glibc license prefix arch foreign
  node="$(readlink -f "${GCE_BUNDLE_NODE:-$(command -v node)}")"
  if [[ ! -x "${node}" ]]; then
    err 'no node binary to bundle (set GCE_BUNDLE_NODE)'
    return 1
  fi
  version="$("${node}" -p 'process.versions.node')" || return 1
  if ! version_ge "${version}" "${NODE_FLOOR}"; then
    err "${node} is Node.js ${version}; the bundled runtime must be >= ${NODE_FLOOR}"
    return 1
  fi
  if ldd "${node}" 2>&1 | grep -q 'not found'; then
    err "${node} has unresolved shared libraries"
    return 1
  fi
  if ! command -v objdump >/dev/null; then
    err 'objdump (binutils) is needed to check the glibc the runtime requires'
    return 1
  fi
  # Only the binary is shipped: a node linked against libnode, libuv, OpenSSL or ICU (as
  # distribution builds are) would start here and fail on the target.
  foreign="$(objdump -p "${node}" | awk '$1 == "NEEDED" {print $2}' | grep -vE "${BASE_LIBS}" | tr '\n' ' ')"
  if [[ -n "${foreign}" ]]; then
    err "${node} needs shared libraries the target may lack (${foreign% }); bundle a self-contained Node.js (GCE_BUNDLE_NODE)"
    return 1
  fi
  needs_glibc="$(objdump -T "${node}" | grep -oE 'GLIBC_[0-9]+\.[0-9]+' | sed 's/GLIBC_//' |
    sort -uV | tail -n1)"
  if ! version_ge "${ROW_GLIBC}" "${needs_glibc}"; then
    err "${node} needs glibc ${needs_glibc}; this row has ${ROW_GLIBC}"
    return 1
  fi
  prefix="$(dirname "$(dirname "${node}")")"
  license="${GCE_BUNDLE_NODE_LICENSE:-}"
  for candidate in "${prefix}/share/doc/nodejs/LICENSE" "${prefix}/share/doc/node/LICENSE" \
    "${prefix}/LICENSE"; do
    [[ -n "${license}" ]] && break
    [[ -f "${candidate}" ]] && license="${candidate}"
  done
  if [[ -z "${license}" || ! -f "${license}" ]]; then
    err "no LICENSE beside ${node} (set GCE_BUNDLE_NODE_LICENSE)"
    return 1
  fi
  case "$("${node}" -p 'process.arch')" in
    x64) arch='amd64' ;;
    arm64) arch='arm64' ;;
    *) err "unsupported runtime architecture"; return 1 ;;
  esac
  rm -rf dist/runtime && mkdir -p dist/runtime/node/bin || return 1
  install -m 0755 "${node}" dist/runtime/node/bin/node || return 1
  install -m 0644 "${license}" dist/runtime/node/LICENSE || return 1
  export RUNTIME_ARCH="${arch}"
  echo "bundling Node.js ${version} (${arch}, needs glibc ${needs_glibc}) from ${node}"
}

#######################################
# Lists the nfpm configs of the row, one per line.
#######################################
row_configs() {
  if [[ "${RUNTIME_MODE}" == 'bundled' ]]; then
    echo 'nfpm/google-compute-engine.bundled.yaml'
  else
    echo 'nfpm/google-compute-engine.yaml'
  fi
  echo "nfpm/google-compute-engine-init.${INIT_SYSTEM}.yaml"
  echo "nfpm/google-config.${CONFIG_VARIANT}.yaml"
  if [[ "${DISK_EXPAND}" == 'yes' ]]; then
    echo "nfpm/gce-disk-expand.${ROW}.yaml"
  fi
}

main() {
  local packager="${2:-any}" nfpm config out
  ROW="${1:-}"
  cd "$(dirname "$0")/.." || return 1
  if [[ -z "${ROW}" || ! -f "nfpm/rows/${ROW}.env" ]]; then
    err "unknown row '${ROW}'; rows: $(find nfpm/rows -name '*.env' -printf '%f\n' | sed 's/\.env$//' | sort | tr '\n' ' ')"
    return 2
  fi
  set -a
  # shellcheck source=/dev/null
  . "nfpm/rows/${ROW}.env"
  set +a
  if [[ "${packager}" != 'any' && "${packager}" != "${PKG_TYPE}" ]]; then
    echo "${ROW} (${ROW_NAME}) is a ${PKG_TYPE} row: make ${packager} builds nothing for it"
    return 0
  fi
  if [[ ! -d dist/payload/bin || ! -d dist/payload/lib ]]; then
    err 'dist/payload is missing: run make dist first'
    return 1
  fi
  nfpm="$(nfpm/install-nfpm.sh --find)" || return 1

  export PKG_VERSION PKG_MAINTAINER PKG_VENDOR PKG_HOMEPAGE SOURCE_DATE_EPOCH
  PKG_VERSION="$(node -p 'JSON.parse(require("fs").readFileSync("package.json","utf8")).version')"
  PKG_MAINTAINER="${PKG_MAINTAINER:-GCE guest environment maintainers <gce-guest-environment@users.noreply.github.com>}"
  PKG_VENDOR="${PKG_VENDOR:-google-compute-engine guest environment project}"
  PKG_HOMEPAGE="${PKG_HOMEPAGE:-https://github.com/GoogleCloudPlatform/compute-image-packages}"
  # Reproducible packages: every file and header carries the last commit's time.
  SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}"

  if [[ "${RUNTIME_MODE}" == 'bundled' ]]; then
    prepare_runtime || return 1
  fi

  out="dist/${ROW}"
  mkdir -p "${out}" && rm -f "${out}"/*.deb "${out}"/*.rpm
  while read -r config; do
    if [[ ! -f "${config}" ]]; then
      err "missing ${config}"
      return 1
    fi
    "${nfpm}" package --config "${config}" --packager "${PKG_TYPE}" --target "${out}/" >/dev/null ||
      { err "nfpm failed on ${config}"; return 1; }
  done < <(row_configs)
  echo "${ROW} (${ROW_NAME}, ${PKG_TYPE}, ${INIT_SYSTEM}, runtime ${RUNTIME_MODE}):"
  find "${out}" -maxdepth 1 -name "*.${PKG_TYPE}" -printf '  %10s  %f\n' | sort -k2
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
