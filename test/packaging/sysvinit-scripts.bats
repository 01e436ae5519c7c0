#!/usr/bin/env bats
#
# The sysvinit scripts of google-compute-engine-init, run for real on copies whose program
# paths, pid file and timeouts point into the test's temp dir: the guest daemon is started in
# the background (with start-stop-daemon and with the plain-sh fallback), reported by status,
# and stopped with TERM, then KILL. The one-shot scripts run their program with the right argv.
# Nothing outside BATS_TEST_TMPDIR is touched; every started process is stopped.

bats_require_minimum_version 1.5.0

REPO_ROOT="$(cd "${BATS_TEST_DIRNAME}/../.." && pwd)"
load "${REPO_ROOT}/node_modules/bats-support/load"
load "${REPO_ROOT}/node_modules/bats-assert/load"

#######################################
# Copies init/sysvinit/<name> to the temp dir with its paths re-pointed.
# Globals: BATS_TEST_TMPDIR
# Arguments: script name; "fallback" to hide start-stop-daemon
# Outputs: the path of the copy
#######################################
copy_script() {
  local name="$1" copy="${BATS_TEST_TMPDIR}/$1"
  sed -e "s#^DAEMON=.*#DAEMON=${BATS_TEST_TMPDIR}/bin/google_guest_daemon#" \
    -e "s#^PROGRAM=.*#PROGRAM=${BATS_TEST_TMPDIR}/bin/program#" \
    -e "s#^PIDFILE=.*#PIDFILE=${BATS_TEST_TMPDIR}/google_guest_daemon.pid#" \
    -e "s#^LSB_FUNCTIONS=.*#LSB_FUNCTIONS=${BATS_TEST_TMPDIR}/no-lsb-functions#" \
    -e 's#^STOP_TIMEOUT=.*#STOP_TIMEOUT=2#' \
    "${REPO_ROOT}/init/sysvinit/${name}" >"${copy}"
  if [[ "${2:-}" == 'fallback' ]]; then
    # Keep the test's PATH (without start-stop-daemon) instead of the standard directories.
    # shellcheck disable=SC2016 # the copy must expand $PATH when it runs
    sed -i 's#^PATH=.*#PATH=${PATH}#' "${copy}"
  fi
  chmod 0755 "${copy}"
  echo "${copy}"
}

#######################################
# Writes a fake daemon that records its argv and runs until TERM (or ignores TERM).
# Arguments: "ignore-term" for a daemon that only dies of KILL
#######################################
fake_daemon() {
  local trap_line="trap 'exit 0' TERM"
  [[ "${1:-}" == 'ignore-term' ]] && trap_line="trap '' TERM"
  cat >"${BATS_TEST_TMPDIR}/bin/google_guest_daemon" <<FAKE
#!/bin/sh
echo "\$*" > "${BATS_TEST_TMPDIR}/daemon.argv"
${trap_line}
while :; do sleep 0.2; done
FAKE
  chmod 0755 "${BATS_TEST_TMPDIR}/bin/google_guest_daemon"
}

setup() {
  mkdir -p "${BATS_TEST_TMPDIR}/bin" "${BATS_TEST_TMPDIR}/tools"
  PIDFILE="${BATS_TEST_TMPDIR}/google_guest_daemon.pid"
  # A PATH without start-stop-daemon for the fallback cases.
  local tool
  for tool in sh sleep grep tr rm cat setsid; do
    ln -s "$(command -v "${tool}")" "${BATS_TEST_TMPDIR}/tools/${tool}"
  done
}

teardown() {
  if [[ -f "${PIDFILE}" ]]; then
    kill -KILL "$(cat "${PIDFILE}")" 2>/dev/null || true
  fi
}

#######################################
# start → running → start again (no second process) → stop → gone.
# Arguments: the script copy
#######################################
lifecycle() {
  local script="$1" pid
  run "${script}" start
  assert_success
  [[ -s "${PIDFILE}" ]]
  pid="$(cat "${PIDFILE}")"
  run "${script}" status
  assert_success
  assert_output --partial "is running (pid ${pid})"
  for _ in 1 2 3 4 5 6 7 8 9 10; do [[ -f "${BATS_TEST_TMPDIR}/daemon.argv" ]] && break; sleep 0.1; done
  run cat "${BATS_TEST_TMPDIR}/daemon.argv"
  assert_output '--log-target=syslog'
  run "${script}" start
  assert_success
  assert_output --partial 'already running'
  [[ "$(cat "${PIDFILE}")" == "${pid}" ]]
  run "${script}" stop
  assert_success
  run ! kill -0 "${pid}"
  [[ ! -e "${PIDFILE}" ]]
  run "${script}" status
  assert_failure 3
}

@test "guest daemon: start, status, stop with the plain-sh fallback" {
  fake_daemon
  local script
  script="$(copy_script google-guest-daemon fallback)"
  PATH="${BATS_TEST_TMPDIR}/tools" lifecycle "${script}"
}

@test "guest daemon: start, status, stop with start-stop-daemon" {
  PATH="/sbin:/usr/sbin:${PATH}" command -v start-stop-daemon >/dev/null || skip 'no start-stop-daemon on this machine'
  fake_daemon
  lifecycle "$(copy_script google-guest-daemon)"
}

@test "guest daemon: stop escalates to KILL when TERM is ignored" {
  fake_daemon ignore-term
  local script pid
  script="$(copy_script google-guest-daemon fallback)"
  PATH="${BATS_TEST_TMPDIR}/tools" run "${script}" start
  assert_success
  pid="$(cat "${PIDFILE}")"
  sleep 0.3
  PATH="${BATS_TEST_TMPDIR}/tools" run "${script}" stop
  assert_success
  run ! kill -0 "${pid}"
}

@test "guest daemon: a stale pid file naming another process is not taken for the daemon" {
  fake_daemon
  local script
  script="$(copy_script google-guest-daemon fallback)"
  sleep 30 &
  local other=$!
  echo "${other}" >"${PIDFILE}"
  PATH="${BATS_TEST_TMPDIR}/tools" run "${script}" status
  assert_failure 1
  PATH="${BATS_TEST_TMPDIR}/tools" run "${script}" stop
  assert_success
  kill -0 "${other}"
  kill "${other}"
}

@test "every script exits 0 and does nothing when its program is gone (removed, not purged)" {
  local name
  for name in google-guest-daemon google-instance-setup google-startup-scripts google-shutdown-scripts; do
    run "$(copy_script "${name}")" start
    assert_success
    assert_output ''
  done
}

@test "one-shot scripts run their program with the right argv on the right action only" {
  printf '#!/bin/sh\necho "$*" >> "%s"\n' "${BATS_TEST_TMPDIR}/program.log" >"${BATS_TEST_TMPDIR}/bin/program"
  chmod 0755 "${BATS_TEST_TMPDIR}/bin/program"
  "$(copy_script google-instance-setup)" start
  "$(copy_script google-instance-setup)" stop
  "$(copy_script google-startup-scripts)" start
  "$(copy_script google-startup-scripts)" stop
  "$(copy_script google-shutdown-scripts)" start
  "$(copy_script google-shutdown-scripts)" stop
  run cat "${BATS_TEST_TMPDIR}/program.log"
  assert_output "--log-target=syslog
--script-type startup --log-target=syslog
--script-type shutdown --log-target=syslog"
}
