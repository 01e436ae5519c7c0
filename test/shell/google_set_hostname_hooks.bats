#!/usr/bin/env bats
# shellcheck disable=SC2016  # single-quoted scripts and patterns are expanded later, on purpose
#
# The dhclient shims of google_set_hostname (behaviour spec §10.5), sourced the way each
# family's dhclient-script sources them: they pass reason, new_host_name and new_ip_address to
# the executable (a stub here, through GOOGLE_SET_HOSTNAME_BIN), never exit, and define no names
# beyond the dhclient.d protocol's two functions.

load test_helper

HOOKS="${BATS_TEST_DIRNAME}/../../shell/hooks"
DEBIAN_HOOK="${HOOKS}/dhclient-exit-hooks.d/google_set_hostname"
EL6_HOOK="${HOOKS}/dhclient-exit-hooks"
EL7_HOOK="${HOOKS}/dhclient.d/google_hostname.sh"

setup() {
  common_setup
  export GOOGLE_SET_HOSTNAME_BIN="${STUBS_DIR}/google_set_hostname"
}

# Sources a hook in bash as dhclient-script would (lease variables set but not exported), then
# runs an optional command, and reports every variable or function the hook left behind.
# Arguments: hook path, optional command to run after sourcing
source_in_bash() {
  run bash -c '
    names() {
      compgen -v | grep -Ev "^(_|BASH_.*|FUNCNAME|PIPESTATUS|LINENO|RANDOM|SECONDS|SRANDOM|EPOCH.*|OLDPWD|COLUMNS|LINES|before)$"
      declare -F
    }
    reason=BOUND new_host_name=vm.c.p.internal new_ip_address=10.0.0.2
    before="$(names)"
    . "$1"
    diff <(printf "%s\n" "${before}") <(names) | sed -n "s/^> /new name: /p"
    eval "$2"
    echo "dhclient-script continues"
  ' dhclient-script "$1" "${2:-}"
}

@test "Debian hook: passes the lease to google_set_hostname and leaves no names behind" {
  source_in_bash "${DEBIAN_HOOK}"
  assert_success
  assert_output 'dhclient-script continues'
  assert_calls google_set_hostname \
    'google_set_hostname reason=BOUND new_host_name=vm.c.p.internal new_ip_address=10.0.0.2'
}

@test "Debian hook works under dash, dhclient-script's /bin/sh on Debian" {
  command -v dash >/dev/null || skip 'dash is not installed'
  run dash -c 'reason=RENEW new_host_name=vm.c.p.internal; . "$1"; echo continues' sh "${DEBIAN_HOOK}"
  assert_success
  assert_output 'continues'
  assert_calls google_set_hostname \
    'google_set_hostname reason=RENEW new_host_name=vm.c.p.internal new_ip_address='
}

@test "EL6 hook: passes the lease and leaves no names behind" {
  source_in_bash "${EL6_HOOK}"
  assert_success
  assert_output 'dhclient-script continues'
  assert_calls google_set_hostname \
    'google_set_hostname reason=BOUND new_host_name=vm.c.p.internal new_ip_address=10.0.0.2'
}

@test "EL7 hook: defines only google_hostname_config and google_hostname_restore" {
  source_in_bash "${EL7_HOOK}"
  assert_success
  assert_output "$(printf '%s\n' 'new name: declare -f google_hostname_config' \
    'new name: declare -f google_hostname_restore' 'dhclient-script continues')"
  assert_calls google_set_hostname
}

@test "EL7 hook: google_hostname_config passes the lease, google_hostname_restore does nothing" {
  source_in_bash "${EL7_HOOK}" 'google_hostname_config; google_hostname_restore'
  assert_success
  assert_calls google_set_hostname \
    'google_set_hostname reason=BOUND new_host_name=vm.c.p.internal new_ip_address=10.0.0.2'
}

@test "a failing google_set_hostname does not fail the hook" {
  stub_answer google_set_hostname default --rc 1
  run bash -c 'reason=BOUND new_host_name=vm; . "$1"; echo "status $?"' dhclient-script "${DEBIAN_HOOK}"
  assert_output 'status 0'
  run bash -c 'reason=BOUND; . "$1"; google_hostname_config; echo "status $?"' dhclient-script "${EL7_HOOK}"
  assert_output 'status 0'
}

@test "without google_set_hostname installed the hooks do nothing, silently" {
  export GOOGLE_SET_HOSTNAME_BIN="${BATS_TEST_TMPDIR}/missing"
  local hook
  for hook in "${DEBIAN_HOOK}" "${EL6_HOOK}"; do
    run bash -c 'set -u; reason=BOUND; . "$1"; echo "status $?"' dhclient-script "${hook}"
    assert_output 'status 0'
  done
  run bash -c 'set -u; . "$1"; google_hostname_config; echo "status $?"' dhclient-script "${EL7_HOOK}"
  assert_output 'status 0'
  assert_equal "$(cat "${STUB_LOG}")" ''
}

@test "unset lease variables reach the executable as empty, even under set -u" {
  local hook
  for hook in "${DEBIAN_HOOK}" "${EL6_HOOK}"; do
    : >"${STUB_LOG}"
    run bash -c 'set -u; . "$1"' dhclient-script "${hook}"
    assert_success
    assert_calls google_set_hostname \
      'google_set_hostname reason= new_host_name= new_ip_address='
  done
}
