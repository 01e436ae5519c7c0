#!/usr/bin/env bash
#
# Signing key handling for nfpm/repo/build-repo.sh (sourced, not run). The key lives in a private,
# short-lived GNUPGHOME under /tmp (short path: gpg-agent's socket must fit in sun_path); the
# user's ~/.gnupg is never read or written.
#
# Key sources, first match wins:
#   GCE_REPO_SIGNING_KEY       an ASCII-armoured secret key (the text itself)
#   GCE_REPO_SIGNING_KEY_FILE  a file holding a secret key (armoured or binary)
#   neither                    a THROW-AWAY key, generated once and kept (0600) in
#                              <dist>/.repo-throwaway-key/secret.asc, outside the published tree
# Optional: GCE_REPO_SIGNING_PASSPHRASE (the key's passphrase), GCE_REPO_SIGNING_KEY_ID (which
# secret key to use when the source holds several).

#######################################
# Prints the loud throw-away key warning to stderr.
#######################################
signing_key_warn_throwaway() {
  cat >&2 <<'EOF'
##############################################################################
##  WARNING: these repositories are signed with a THROW-AWAY key generated  ##
##  on this machine (dist/.repo-throwaway-key/). Use them for local tests   ##
##  only: never publish them, never install this key on a machine you care  ##
##  about. For real repositories set GCE_REPO_SIGNING_KEY (armoured secret  ##
##  key) or GCE_REPO_SIGNING_KEY_FILE. See README.md, "Installing from our  ##
##  repositories".                                                          ##
##############################################################################
EOF
}

#######################################
# Generates an RSA 4096 signing-only key (RSA: old rpm and gpgv 1.x cannot check EdDSA).
# Globals:
#   GNUPGHOME (read)
#######################################
signing_key_generate() {
  gpg --batch --quiet --pinentry-mode loopback --passphrase '' --generate-key 2>/dev/null <<'EOF'
Key-Type: RSA
Key-Length: 4096
Key-Usage: sign
Name-Real: google-compute-engine local repositories (throw-away)
Name-Email: throwaway-repo-key@localhost.invalid
Expire-Date: 1y
%no-protection
%commit
EOF
}

#######################################
# Imports the signing key into a fresh private GNUPGHOME and selects it.
# Arguments:
#   The dist directory (where a throw-away key is kept).
# Globals:
#   GNUPGHOME (exported), SIGNING_FPR, SIGNING_KEYID, SIGNING_THROWAWAY, GPG_SIGN_OPTS (set)
# Returns:
#   1 with a message when no usable key results.
#######################################
signing_key_setup() {
  local dist="$1" keep_dir fprs want_id
  GNUPGHOME="$(mktemp -d /tmp/gce-repo-gpg.XXXXXX)" || return 1
  export GNUPGHOME
  chmod 0700 "${GNUPGHOME}"
  SIGNING_THROWAWAY=0
  if [[ -n "${GCE_REPO_SIGNING_KEY:-}" ]]; then
    printf '%s\n' "${GCE_REPO_SIGNING_KEY}" | gpg --batch --quiet --import 2>/dev/null ||
      { err 'GCE_REPO_SIGNING_KEY: gpg could not import it'; return 1; }
  elif [[ -n "${GCE_REPO_SIGNING_KEY_FILE:-}" ]]; then
    gpg --batch --quiet --import "${GCE_REPO_SIGNING_KEY_FILE}" 2>/dev/null ||
      { err "GCE_REPO_SIGNING_KEY_FILE: gpg cannot import ${GCE_REPO_SIGNING_KEY_FILE}"; return 1; }
  else
    SIGNING_THROWAWAY=1
    keep_dir="${dist}/.repo-throwaway-key"
    if [[ -f "${keep_dir}/secret.asc" ]]; then
      gpg --batch --quiet --import "${keep_dir}/secret.asc" 2>/dev/null ||
        { err "cannot import ${keep_dir}/secret.asc (remove it to get a new key)"; return 1; }
    else
      signing_key_generate || { err 'gpg could not generate a throw-away key'; return 1; }
      mkdir -p "${keep_dir}" && chmod 0700 "${keep_dir}" || return 1
      (umask 077 && gpg --batch --armor --export-secret-keys >"${keep_dir}/secret.asc") || return 1
    fi
    signing_key_warn_throwaway
  fi
  want_id="${GCE_REPO_SIGNING_KEY_ID:-}"
  fprs="$(gpg --batch --with-colons --list-secret-keys ${want_id:+"${want_id}"} 2>/dev/null |
    awk -F: '$1 == "sec" { want = 1; next } want && $1 == "fpr" { print $10; want = 0 }')"
  if [[ -z "${fprs}" ]]; then
    err "no secret key${want_id:+ matching ${want_id}} in the signing key source"
    return 1
  fi
  if [[ "$(wc -l <<<"${fprs}")" -gt 1 ]]; then
    err "several secret keys; choose one with GCE_REPO_SIGNING_KEY_ID: $(tr '\n' ' ' <<<"${fprs}")"
    return 1
  fi
  SIGNING_FPR="${fprs}"
  # shellcheck disable=SC2034 # read by yum-repo.sh
  SIGNING_KEYID="$(tr 'A-F' 'a-f' <<<"${SIGNING_FPR: -16}")"
  GPG_SIGN_OPTS=(--batch --yes --pinentry-mode loopback --digest-algo SHA256
    --local-user "${SIGNING_FPR}")
  if [[ -n "${GCE_REPO_SIGNING_PASSPHRASE:-}" ]]; then
    (umask 077 && printf '%s' "${GCE_REPO_SIGNING_PASSPHRASE}" >"${GNUPGHOME}/passphrase") ||
      return 1
    GPG_SIGN_OPTS+=(--passphrase-file "${GNUPGHOME}/passphrase")
  else
    GPG_SIGN_OPTS+=(--passphrase '')
  fi
  # Fail now, with gpg's reason, rather than half-way through the repositories.
  if ! echo probe | gpg "${GPG_SIGN_OPTS[@]}" --detach-sign -o "${GNUPGHOME}/probe.sig" 2>"${GNUPGHOME}/probe"
  then
    err "the key ${SIGNING_FPR} cannot sign (passphrase? expired?):" \
      "$(tail -n1 "${GNUPGHOME}/probe")"
    return 1
  fi
  echo "signing with key ${SIGNING_FPR}$( ((SIGNING_THROWAWAY)) && echo ' (THROW-AWAY)')"
}

#######################################
# Writes the public key as a binary keyring (apt's signed-by) and armoured (rpm, yum, zypper).
# Arguments:
#   The repository root.
#######################################
signing_key_export() {
  local out="$1"
  gpg --batch --export "${SIGNING_FPR}" >"${out}/google-compute-engine-keyring.gpg" &&
    gpg --batch --armor --export "${SIGNING_FPR}" >"${out}/google-compute-engine-keyring.asc"
}

#######################################
# Signs file $1: an armoured detached signature into $2 or, with --clear, a clear-signed copy.
#######################################
signing_key_sign() {
  if [[ "$1" == '--clear' ]]; then
    gpg "${GPG_SIGN_OPTS[@]}" --clearsign -o "$3" "$2"
  else
    gpg "${GPG_SIGN_OPTS[@]}" --armor --detach-sign -o "$2" "$1"
  fi
}

#######################################
# Signs rpm packages in place (header signature plus the v3 header+payload one old rpm checks).
# Arguments:
#   Package paths.
#######################################
signing_key_rpmsign() {
  local extra="--batch --pinentry-mode loopback"
  if [[ -f "${GNUPGHOME}/passphrase" ]]; then
    extra+=" --passphrase-file ${GNUPGHOME}/passphrase"
  else
    extra+=" --passphrase ''"
  fi
  rpmsign --define "__gpg $(command -v gpg)" --define "_gpg_path ${GNUPGHOME}" \
    --define "_gpg_name ${SIGNING_FPR}" --define '_gpg_digest_algo sha256' \
    --define "_gpg_sign_cmd_extra_args ${extra}" --rpmv3 --addsign "$@" </dev/null \
    >"${GNUPGHOME}/rpmsign.log" 2>&1 || { cat "${GNUPGHOME}/rpmsign.log" >&2; return 1; }
}

#######################################
# Stops the private gpg-agent and removes the private GNUPGHOME.
#######################################
signing_key_cleanup() {
  if [[ -n "${GNUPGHOME:-}" && "${GNUPGHOME}" == /tmp/gce-repo-gpg.* && -d "${GNUPGHOME}" ]]; then
    gpgconf --kill gpg-agent 2>/dev/null
    rm -rf "${GNUPGHOME}"
  fi
}
