# shellcheck shell=bash disable=SC2034  # FAILED and CPUS are globals of the helper that carries this block
#
# sysfs/procfs attribute access shared by google_optimize_local_ssd and google_set_multiqueue:
# trimmed reads, checked writes that skip values already in place and report each change as one
# audit line, and the online CPU list.
#
# Master copy: both helpers carry the block between the marker lines verbatim (see common.sh for
# why helpers are self-contained); test/shell/common.bats fails when a copy drifts.
# Needs log_line/info/err from common.sh and the globals ROOT, CPUS and FAILED of the helper.
# It must not decide what to write: callers choose paths and values.

# --- begin shell/lib/sysfs.sh ---
#######################################
# Prints the content of a sysfs/procfs attribute without surrounding whitespace.
# Arguments: path
# Outputs: the value on stdout
# Returns: 1 when the attribute cannot be read
#######################################
read_value() {
  local value
  [[ -f "$1" ]] || return 1
  { value="$(<"$1")"; } 2>/dev/null || return 1
  value="${value#"${value%%[![:space:]]*}"}"
  printf '%s' "${value%"${value##*[![:space:]]}"}"
}

#######################################
# Writes a value to an attribute unless it already holds it; logs "applied …" or "failed …".
# Globals: FAILED (set to 1 when the write fails)
# Arguments: path, value, audit words ending in the value's key ("set-queue device=sdb
#   nomerges"), optional function "same CURRENT WANTED" for values with several spellings
# Returns: 1 when the write failed
#######################################
write_value() {
  local path="$1" value="$2" what="$3" same="${4:-}" current error
  current="$(read_value "${path}")" || current=''
  if [[ -n "${same}" ]]; then
    "${same}" "${current}" "${value}" && return 0
  elif [[ "${current}" == "${value}" ]]; then
    return 0
  fi
  if error="$({ printf '%s\n' "${value}" >"${path}"; } 2>&1)"; then
    info "applied ${what}=${value}"
    return 0
  fi
  err "failed ${what}=${value}: ${error##*: }"
  FAILED=1
  return 1
}

#######################################
# Reads the online CPU list ("0-3,6") into CPUS, in ascending order.
# Globals: ROOT, CPUS
# Returns: 1 when the list is missing or malformed
#######################################
read_online_cpus() {
  local online range cpu
  local -a ranges
  online="$(read_value "${ROOT}/sys/devices/system/cpu/online")" || return 1
  [[ -n "${online}" ]] || return 1
  IFS=',' read -ra ranges <<<"${online}"
  for range in "${ranges[@]}"; do
    if [[ "${range}" =~ ^([0-9]+)-([0-9]+)$ ]]; then
      for ((cpu = BASH_REMATCH[1]; cpu <= BASH_REMATCH[2]; cpu++)); do CPUS+=("${cpu}"); done
    elif [[ "${range}" =~ ^[0-9]+$ ]]; then
      CPUS+=("${range}")
    else
      return 1
    fi
  done
  ((${#CPUS[@]} > 0))
}
# --- end shell/lib/sysfs.sh ---
