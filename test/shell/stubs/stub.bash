# shellcheck shell=bash
#
# Shared body of the test stubs in this directory: each stub stands in for a system tool, records
# its argv as one line "<name> <args…>" in "${STUB_LOG}", and replays a scripted answer from
# "${STUB_DATA}/<name>/":
#   <key>.out  printed on stdout     <key>.err  printed on stderr     <key>.rc  exit status
# <key> is the arguments joined by single spaces with "/" written as "%" ("_" when there are
# none); when no file exists for the key, "default.*" is used. A scripted answer without an .rc
# file exits 0; an unscripted call exits with STUB_DEFAULT_RC (0 unless the stub says otherwise).
# Stubs never touch the machine: they only append to the log and read their answers.

#######################################
# Records one call and replays its answer.
# Globals: STUB_LOG, STUB_DATA, STUB_DEFAULT_RC
# Arguments: stub name, then the arguments it was called with
# Returns: the scripted exit status
#######################################
stub_main() {
  local name="$1"
  shift
  local key="${*:-_}"
  local base="${STUB_DATA:-/nonexistent}/${name}/${key//\//%}"
  printf '%s\n' "${name}${*:+ $*}" >>"${STUB_LOG:?STUB_LOG must name the call log}"
  if [[ ! -e "${base}.out" && ! -e "${base}.err" && ! -e "${base}.rc" ]]; then
    base="${STUB_DATA:-/nonexistent}/${name}/default"
  fi
  if [[ ! -e "${base}.out" && ! -e "${base}.err" && ! -e "${base}.rc" ]]; then
    return "${STUB_DEFAULT_RC:-0}"
  fi
  if [[ -f "${base}.out" ]]; then cat "${base}.out"; fi
  if [[ -f "${base}.err" ]]; then cat "${base}.err" >&2; fi
  if [[ -f "${base}.rc" ]]; then return "$(<"${base}.rc")"; fi
  return 0
}
