# shellcheck shell=bash
#
# Logging shared by the bash helpers: one line per message on stderr and the same line in syslog,
# in the project's format "<tag>: <LEVEL> <message>" (behaviour spec §3.4).
#
# This file is the master copy. Every helper carries a verbatim copy of the block between the
# two marker lines, because the helpers ship in different packages (google-compute-engine,
# google-config, gce-disk-expand) and run where no shared library path can be relied on (dhclient
# hooks, the EL6 initramfs). test/shell/common.bats fails when a copy drifts from this one.
# It must not touch the machine, read configuration or exit.

# --- begin shell/lib/common.sh ---
#######################################
# Writes one log line to stderr and, unless stderr already is the journal, to syslog.
# Globals:
#   LOG_TAG         the helper's syslog tag (its installed name)
#   JOURNAL_STREAM  set by systemd when stderr goes to the journal
# Arguments:
#   level: INFO, WARNING or ERROR
#   message words
# Outputs:
#   "<tag>: <LEVEL> <message>" on stderr; the same through logger(1) when it is on PATH
#######################################
log_line() {
  local level="$1"
  shift
  local priority='info'
  case "${level}" in
    WARNING) priority='warning' ;;
    ERROR) priority='err' ;;
  esac
  printf '%s: %s %s\n' "${LOG_TAG}" "${level}" "$*" >&2
  # logger is optional (initramfs, minimal containers); a failing syslog never stops the helper.
  if [[ -z "${JOURNAL_STREAM:-}" ]] && command -v logger >/dev/null 2>&1; then
    logger -t "${LOG_TAG}" -p "daemon.${priority}" -- "${level} $*" >/dev/null 2>&1 || true
  fi
}

# Level shorthands. Arguments: message words.
info() { log_line INFO "$@"; }
warn() { log_line WARNING "$@"; }
err() { log_line ERROR "$@"; }
# --- end shell/lib/common.sh ---
