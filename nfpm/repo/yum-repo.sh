#!/usr/bin/env bash
#
# One yum/dnf/zypper repository (sourced by nfpm/repo/build-repo.sh, not run). Layout:
#   yum/google-compute-engine-<row>-<arch>/Packages/*.rpm   (signed copies of dist/<row>/*.rpm)
#   yum/google-compute-engine-<row>-<arch>/repodata/        (createrepo_c; repomd.xml.asc signed,
#                                                             repomd.xml.key for zypper)
# Updated in place, so a second run over unchanged packages changes nothing: a package is
# copied and signed again only when its header digest or its signing key differs, the metadata
# goes through `createrepo_c --update` with the revision (and every timestamp) set to the newest
# change in Packages/, and repomd.xml is signed again only when its signature no longer verifies.

#######################################
# Prints the rpm architecture of a row's packages: the one architecture-specific package's, or
# the build machine's when all are noarch.
# Arguments:
#   .rpm paths.
# Returns:
#   1 when the packages mix several architectures.
#######################################
yum_repo_arch() {
  local arches
  arches="$(rpm -qp --nosignature --qf '%{ARCH}\n' "$@" 2>/dev/null | grep -vx noarch | sort -u)"
  if [[ -z "${arches}" ]]; then
    case "$(uname -m)" in
      arm64|aarch64) echo aarch64 ;;
      *) echo x86_64 ;;
    esac
  elif [[ "$(wc -l <<<"${arches}")" -gt 1 ]]; then
    err "packages of several architectures in one row: $(tr '\n' ' ' <<<"${arches}")"
    return 1
  else
    echo "${arches}"
  fi
}

#######################################
# True when the published copy $2 holds the same package as $1, signed with the current key.
# Globals:
#   SIGNING_KEYID (read)
#######################################
yum_repo_is_current() {
  local want have
  [[ -f "$2" ]] || return 1
  want="$(rpm -qp --nosignature --qf '%{SHA256HEADER}' "$1" 2>/dev/null)"
  have="$(rpm -qp --nosignature --qf '%{SHA256HEADER}|%{RSAHEADER:pgpsig}|%{SIGPGP:pgpsig}' \
    "$2" 2>/dev/null)"
  [[ -n "${want}" && "${have}" == "${want}|"*"Key ID ${SIGNING_KEYID}|"*"Key ID ${SIGNING_KEYID}" ]]
}

#######################################
# Prints the newest modification time (epoch seconds) of a directory and its entries.
#######################################
yum_repo_revision() {
  find "$1" -maxdepth 1 -printf '%T@\n' | cut -d. -f1 | sort -n | tail -n1
}

#######################################
# Brings one row's repository up to date with dist/<row>/*.rpm.
# Arguments:
#   repository directory, .rpm paths...
# Returns:
#   1 when a tool fails.
#######################################
yum_repo_update() {
  local dir="$1" src rpm_file name revision
  shift
  src="$(dirname "$1")"
  mkdir -p "${dir}/Packages" || return 1
  # Packages dist/<row>/ no longer has are dropped (a removal also moves the revision on).
  for rpm_file in "${dir}"/Packages/*; do
    [[ -e "${rpm_file}" ]] || continue
    [[ -f "${src}/$(basename "${rpm_file}")" ]] || rm -f "${rpm_file}"
  done
  for rpm_file in "$@"; do
    name="$(basename "${rpm_file}")"
    yum_repo_is_current "${rpm_file}" "${dir}/Packages/${name}" && continue
    cp "${rpm_file}" "${dir}/Packages/${name}.tmp" || return 1
    signing_key_rpmsign "${dir}/Packages/${name}.tmp" >/dev/null ||
      { err "rpmsign failed on ${name}"; return 1; }
    mv "${dir}/Packages/${name}.tmp" "${dir}/Packages/${name}" || return 1
  done
  revision="$(yum_repo_revision "${dir}/Packages")"
  createrepo_c --quiet --update --revision "${revision}" --set-timestamp-to-revision \
    --retain-old-md 0 "${dir}" || { err "createrepo_c failed on ${dir}"; return 1; }
  if ! gpgv --quiet --keyring "${REPO_KEYRING}" "${dir}/repodata/repomd.xml.asc" \
    "${dir}/repodata/repomd.xml" 2>/dev/null; then
    signing_key_sign "${dir}/repodata/repomd.xml" "${dir}/repodata/repomd.xml.asc" || return 1
  fi
  cmp -s "${REPO_KEYRING%.gpg}.asc" "${dir}/repodata/repomd.xml.key" ||
    cp "${REPO_KEYRING%.gpg}.asc" "${dir}/repodata/repomd.xml.key"
}
