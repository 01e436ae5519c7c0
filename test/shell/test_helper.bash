# shellcheck shell=bash disable=SC2016  # the confining script is expanded by the inner bash
#
# Shared setup for the bats files of the bash helpers: bats-support and bats-assert from
# node_modules, a fresh fake root and stub call log per test, the argv-recording stubs first on
# PATH, and assertions on what the stubs saw. Fixture builders live in fixtures.bash.
# Nothing here touches the machine: everything is created under BATS_TEST_TMPDIR.

REPO_ROOT="$(cd "${BATS_TEST_DIRNAME}/../.." && pwd)"
STUBS_DIR="${REPO_ROOT}/test/shell/stubs"
FIXTURE_ROOTS="${REPO_ROOT}/test/fixtures/roots"

load "${REPO_ROOT}/node_modules/bats-support/load"
load "${REPO_ROOT}/node_modules/bats-assert/load"
load "${BATS_TEST_DIRNAME}/fixtures"

#######################################
# Creates the per-test fake root, stub log and stub answers, and puts the stubs first on PATH.
# Globals: FAKE_ROOT, STUB_LOG, STUB_DATA, PATH (exported)
# Arguments: optional fixture root name under test/fixtures/roots to copy into the fake root
#######################################
common_setup() {
  FAKE_ROOT="${BATS_TEST_TMPDIR}/root"
  STUB_LOG="${BATS_TEST_TMPDIR}/stub.log"
  STUB_DATA="${BATS_TEST_TMPDIR}/stub-data"
  mkdir -p "${FAKE_ROOT}" "${STUB_DATA}"
  : >"${STUB_LOG}"
  if [[ -n "${1:-}" ]]; then
    cp -a "${FIXTURE_ROOTS}/$1/." "${FAKE_ROOT}/"
  fi
  export FAKE_ROOT STUB_LOG STUB_DATA
  export PATH="${STUBS_DIR}:${PATH}"
  # Helpers skip logger when stderr is the journal; tests always want to see the syslog calls.
  unset JOURNAL_STREAM
}

#######################################
# Scripts the answer of a stub for one argument list (or "default").
# Arguments: stub name, key (the arguments joined by spaces, "_" for none, or "default"),
#   then any of --out TEXT, --err TEXT, --rc N
#######################################
stub_answer() {
  local name="$1" key="$2" dir
  dir="${STUB_DATA}/${name}"
  key="${key//\//%}"
  shift 2
  mkdir -p "${dir}"
  while (($# > 1)); do
    case "$1" in
      --out) printf '%s\n' "$2" >"${dir}/${key}.out" ;;
      --err) printf '%s\n' "$2" >"${dir}/${key}.err" ;;
      --rc) printf '%s\n' "$2" >"${dir}/${key}.rc" ;;
      *) fail "stub_answer: unknown option $1" ;;
    esac
    shift 2
  done
}

#######################################
# Prints the recorded calls of one stub (or of all stubs but logger when no name is given).
# Arguments: optional stub name
#######################################
stub_calls() {
  if [[ -n "${1:-}" ]]; then
    grep -E "^$1( |$)" "${STUB_LOG}" || true
  else
    grep -vE '^logger( |$)' "${STUB_LOG}" || true
  fi
}

#######################################
# Asserts the exact recorded calls of one stub, one call per argument.
# Arguments: stub name, expected call lines (none: the stub was never called)
#######################################
assert_calls() {
  local name="$1" expected=''
  shift
  (($# == 0)) || expected="$(printf '%s\n' "$@")"
  assert_equal "$(stub_calls "${name}")" "${expected}"
}

#######################################
# Asserts the content of a file (without its final newline).
# Arguments: path, expected content
#######################################
assert_file_content() {
  [[ -f "$1" ]] || fail "expected file $1 to exist"
  assert_equal "$(<"$1")" "$2"
}

#######################################
# Prints "irq=affinity" for a range of IRQs of the fake root, one per line (no fork per file).
# Arguments: first IRQ, count
#######################################
irq_affinities() {
  local irq value
  for ((irq = $1; irq < $1 + $2; irq++)); do
    read -r value <"${FAKE_ROOT}/proc/irq/${irq}/smp_affinity_list"
    printf '%s=%s\n' "${irq}" "${value}"
  done
}

#######################################
# Prints every file under a directory with its content hash, to compare trees before and after.
# Arguments: directory
#######################################
tree_digest() {
  (
    cd "$1" || exit 1
    find . -type f -print0 | sort -z | xargs -0 -r sha256sum
    find . -type l -printf '%p -> %l\n' | sort
  )
}

#######################################
# Skips the test unless it may confine a run to BATS_TEST_TMPDIR (root, unshare, mount).
#######################################
require_confinement() {
  ((EUID == 0)) || skip 'needs root to confine the helper in a private mount namespace'
  command -v unshare >/dev/null || skip 'needs unshare(1) from util-linux'
  unshare --mount true 2>/dev/null || skip 'unshare --mount is not permitted here'
}

#######################################
# Runs a command in a private mount namespace where every mount except BATS_TEST_TMPDIR is
# read-only, so any write outside the fake root fails (and makes the helper report it).
# Arguments: command and arguments
#######################################
run_confined() {
  run unshare --mount -- bash -c '
    set -e
    tmp="$1"
    shift
    mount --make-rprivate /
    mount --bind "${tmp}" "${tmp}"
    findmnt -rno TARGET | sort -r | while read -r target; do
      target="$(printf "%b" "${target}")"
      case "${target}" in "${tmp}" | "${tmp}"/*) continue ;; esac
      mount -o remount,bind,ro "${target}" 2>/dev/null || true
    done
    exec "$@"' confine "${BATS_TEST_TMPDIR}" "$@"
}
