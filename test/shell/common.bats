#!/usr/bin/env bats
# shellcheck disable=SC2016  # single-quoted scripts and patterns are expanded later, on purpose
#
# shell/lib/common.sh and shell/lib/sysfs.sh: the verbatim copies carried by the helpers, the
# logging format and sinks, the sysfs read/write/CPU-list functions, and the not-sourced guard
# of every helper (sourcing one runs nothing).

load test_helper

SHELL_DIR="${BATS_TEST_DIRNAME}/../../shell"
HELPERS=(google_optimize_local_ssd google_set_multiqueue google_set_hostname
  gce-disk-expand/expand-root)

setup() {
  common_setup
}

# Prints the marked block of a file: the lines from "# --- begin <lib>" to "# --- end <lib>".
block_of() {
  sed -n "\\|^# --- begin shell/lib/$2 ---\$|,\\|^# --- end shell/lib/$2 ---\$|p" "$1"
}

@test "every helper carries common.sh's block verbatim" {
  local expected helper
  expected="$(block_of "${SHELL_DIR}/lib/common.sh" common.sh)"
  [[ -n "${expected}" ]] || fail 'common.sh has no marked block'
  for helper in "${HELPERS[@]}"; do
    assert_equal "$(block_of "${SHELL_DIR}/${helper}" common.sh)" "${expected}"
  done
}

@test "the sysfs helpers carry sysfs.sh's block verbatim" {
  local expected helper
  expected="$(block_of "${SHELL_DIR}/lib/sysfs.sh" sysfs.sh)"
  [[ -n "${expected}" ]] || fail 'sysfs.sh has no marked block'
  for helper in google_optimize_local_ssd google_set_multiqueue; do
    assert_equal "$(block_of "${SHELL_DIR}/${helper}" sysfs.sh)" "${expected}"
  done
}

@test "sourcing a helper defines main and runs nothing" {
  local helper
  for helper in "${HELPERS[@]}"; do
    run bash -c '. "$1" && declare -F main' sourced "${SHELL_DIR}/${helper}"
    assert_success
    assert_output 'main'
  done
  assert_equal "$(cat "${STUB_LOG}")" ''
}

@test "every helper is executable, has set -u and pipefail, and answers --help" {
  local helper
  for helper in "${HELPERS[@]}"; do
    [[ -x "${SHELL_DIR}/${helper}" ]] || fail "${helper} is not executable"
    grep -qx 'set -u' "${SHELL_DIR}/${helper}" || fail "${helper} lacks set -u"
    grep -qx 'set -o pipefail' "${SHELL_DIR}/${helper}" || fail "${helper} lacks pipefail"
    run "${SHELL_DIR}/${helper}" --help
    assert_success
    assert_output --partial 'Usage:'
  done
}

@test "log lines: '<tag>: <LEVEL> <message>' on stderr and the same through logger -t" {
  run bash -c '. "$1"; LOG_TAG=demo; info one two; warn three; err four 2>&1' common "${SHELL_DIR}/lib/common.sh"
  assert_success
  assert_output "$(printf '%s\n' 'demo: INFO one two' 'demo: WARNING three' 'demo: ERROR four')"
  assert_calls logger 'logger -t demo -p daemon.info -- INFO one two' \
    'logger -t demo -p daemon.warning -- WARNING three' 'logger -t demo -p daemon.err -- ERROR four'
}

@test "logging: no logger call when stderr is the journal; a failing logger is harmless" {
  run env JOURNAL_STREAM=8:1234 bash -c '. "$1"; LOG_TAG=demo; info hello' common "${SHELL_DIR}/lib/common.sh"
  assert_success
  assert_output 'demo: INFO hello'
  assert_calls logger
  stub_answer logger default --rc 1 --err 'logger: socket /dev/log: No such file or directory'
  run bash -c '. "$1"; LOG_TAG=demo; err bad; echo "status $?"' common "${SHELL_DIR}/lib/common.sh"
  assert_output "$(printf '%s\n' 'demo: ERROR bad' 'status 0')"
}

@test "sysfs: read_value trims, write_value skips equal values and reports changes" {
  fx_write "${FAKE_ROOT}/attr" '  512 '
  run bash -c '
    . "$1/common.sh"; . "$1/sysfs.sh"; LOG_TAG=demo; FAILED=0
    printf "[%s]\n" "$(read_value "$2/attr")"
    write_value "$2/attr" 512 "set-thing name=a value"
    write_value "$2/attr" 256 "set-thing name=a value"
    cat "$2/attr"
    read_value "$2/missing" || echo "missing: $?"
    echo "failed=${FAILED}"' sysfs "${SHELL_DIR}/lib" "${FAKE_ROOT}"
  assert_success
  assert_output "$(printf '%s\n' '[512]' 'demo: INFO applied set-thing name=a value=256' 256 \
    'missing: 1' 'failed=0')"
}

@test "sysfs: write_value uses the given comparison and records failures" {
  fx_write "${FAKE_ROOT}/mask" '11,11111111'
  mkdir "${FAKE_ROOT}/dir"
  run bash -c '
    . "$1/common.sh"; . "$1/sysfs.sh"; LOG_TAG=demo; FAILED=0
    same() { [[ "${1//,/}" == "${2//,/}" ]]; }
    write_value "$2/mask" 11,11111111 "set-mask q=0 cpus" same
    write_value "$2/dir" 1 "set-thing name=d value" || echo "returned $?"
    echo "failed=${FAILED}"' sysfs "${SHELL_DIR}/lib" "${FAKE_ROOT}"
  assert_output "$(printf '%s\n' 'demo: ERROR failed set-thing name=d value=1: Is a directory' \
    'returned 1' 'failed=1')"
}

@test "sysfs: read_online_cpus expands ranges and singles, rejects garbage" {
  local list
  for list in '0' '0-3,6,8-9' 'garbage' ''; do
    fx_write "${FAKE_ROOT}/sys/devices/system/cpu/online" "${list}"
    run bash -c '
      . "$1/common.sh"; . "$1/sysfs.sh"; ROOT="$2"; CPUS=()
      if read_online_cpus; then echo "${CPUS[*]}"; else echo rejected; fi' sysfs "${SHELL_DIR}/lib" "${FAKE_ROOT}"
    case "${list}" in
      0) assert_output 0 ;;
      0-3,6,8-9) assert_output '0 1 2 3 6 8 9' ;;
      *) assert_output rejected ;;
    esac
  done
}
