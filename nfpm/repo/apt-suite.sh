#!/usr/bin/env bash
#
# One apt suite of the repository (sourced by nfpm/repo/build-repo.sh, not run). Layout under the
# apt root:
#   pool/<suite>/*.deb
#   dists/<suite>/{Release,InRelease,Release.gpg}
#   dists/<suite>/main/binary-<arch>/Packages{,.gz}   (arch "all" packages listed in every arch)
# Built with apt-ftparchive; Release is clear-signed (InRelease) and detached-signed (Release.gpg,
# for apt without InRelease support).

#######################################
# Prints the Debian architectures a suite lists: GCE_REPO_DEB_ARCHES when set, else the build
# machine's plus every architecture-specific package's.
# Arguments:
#   .deb paths.
#######################################
apt_suite_arches() {
  local deb
  if [[ -n "${GCE_REPO_DEB_ARCHES:-}" ]]; then
    tr ' ' '\n' <<<"${GCE_REPO_DEB_ARCHES}" | sed '/^$/d' | sort -u | tr '\n' ' '
    return
  fi
  {
    if command -v dpkg >/dev/null; then
      dpkg --print-architecture
    else
      case "$(uname -m)" in
        aarch64) echo arm64 ;;
        *) echo amd64 ;;
      esac
    fi
    for deb in "$@"; do
      dpkg-deb -f "${deb}" Architecture
    done
  } | grep -vx all | sort -u | tr '\n' ' '
}

#######################################
# Builds dists/<suite> and pool/<suite> under an apt root and signs the Release file.
# Arguments:
#   apt root, suite name, row label (for the Description), .deb paths...
# Returns:
#   1 when a tool fails.
#######################################
apt_suite_build() {
  local root="$1" suite="$2" label="$3" arch arches dir
  shift 3
  arches="$(apt_suite_arches "$@")"
  mkdir -p "${root}/pool/${suite}" || return 1
  cp -p "$@" "${root}/pool/${suite}/" || return 1
  for arch in ${arches}; do
    dir="${root}/dists/${suite}/main/binary-${arch}"
    mkdir -p "${dir}" || return 1
    (cd "${root}" && apt-ftparchive --arch "${arch}" packages "pool/${suite}") >"${dir}/Packages" ||
      return 1
    gzip -9n <"${dir}/Packages" >"${dir}/Packages.gz" || return 1
  done
  (cd "${root}" && apt-ftparchive \
    -o APT::FTPArchive::Release::Origin="${GCE_REPO_ORIGIN:-google-compute-engine}" \
    -o APT::FTPArchive::Release::Label="${GCE_REPO_ORIGIN:-google-compute-engine}" \
    -o APT::FTPArchive::Release::Suite="${suite}" \
    -o APT::FTPArchive::Release::Codename="${suite}" \
    -o APT::FTPArchive::Release::Architectures="${arches% }" \
    -o APT::FTPArchive::Release::Components=main \
    -o APT::FTPArchive::Release::Description="Google Compute Engine guest environment, ${label}" \
    release "dists/${suite}") >"${root}/${suite}.Release" || return 1
  mv "${root}/${suite}.Release" "${root}/dists/${suite}/Release" || return 1
  signing_key_sign --clear "${root}/dists/${suite}/Release" "${root}/dists/${suite}/InRelease" &&
    signing_key_sign "${root}/dists/${suite}/Release" "${root}/dists/${suite}/Release.gpg"
}
