#!/usr/bin/env bats
# shellcheck disable=SC2016  # single-quoted scripts and patterns are expanded later, on purpose
#
# google_set_hostname against fixture roots with stubbed hostname/systemctl/pkill (behaviour spec
# §10.5): the /etc/hosts lines, refusals, idempotence, in-place rewrite of a bind-mounted
# /etc/hosts, syslog notification per init system. The dhclient shims are in dhclient_hooks.bats.

load test_helper

HELPER="${BATS_TEST_DIRNAME}/../../shell/google_set_hostname"

setup() {
  export GOOGLE_SET_HOSTNAME_FAKEROOT
  unset reason new_host_name new_ip_address
}

# Copies a fixture root and points the helper at it.
use_root() {
  common_setup "$1"
  GOOGLE_SET_HOSTNAME_FAKEROOT="${FAKE_ROOT}"
}

# Runs the helper with a lease: reason, host name, IP address.
run_lease() {
  reason="$1" new_host_name="$2" new_ip_address="${3:-}" run "${HELPER}"
}

hosts() {
  cat "${FAKE_ROOT}/etc/hosts"
}

@test "--help prints the usage and exits 0" {
  use_root hostname-systemd
  run "${HELPER}" --help
  assert_success
  assert_output --partial 'Usage: reason=BOUND new_host_name=FQDN [new_ip_address=IP] google_set_hostname'
}

@test "an argument is a usage error with exit 2 and changes nothing" {
  use_root hostname-systemd
  run "${HELPER}" vm.c.p.internal
  assert_failure 2
  assert_line --partial 'ERROR unexpected argument'
  assert_calls hostname
}

@test "BOUND: one host line and one metadata line marked, other lines untouched, hostname vm" {
  use_root hostname-systemd
  local original
  original="$(grep -v 'Added by Google' "${FAKE_ROOT}/etc/hosts")"
  run_lease BOUND vm.c.p.internal 10.0.0.2
  assert_success
  assert_equal "$(grep -c '# Added by Google$' "${FAKE_ROOT}/etc/hosts")" 2
  assert_equal "$(grep -v 'Added by Google' "${FAKE_ROOT}/etc/hosts")" "${original}"
  assert_equal "$(tail -n 2 "${FAKE_ROOT}/etc/hosts")" "$(printf '%s\n' \
    '10.0.0.2 vm.c.p.internal vm  # Added by Google' \
    '169.254.169.254 metadata.google.internal  # Added by Google')"
  assert_calls hostname 'hostname vm'
  assert_calls systemctl 'systemctl try-restart rsyslog.service'
  assert_calls pkill
  assert_line 'google_set_hostname: INFO applied write-hosts path=/etc/hosts'
  assert_line 'google_set_hostname: INFO applied set-hostname name=vm'
}

@test "a second identical run changes nothing and runs no command" {
  use_root hostname-systemd
  run_lease BOUND vm.c.p.internal 10.0.0.2
  assert_success
  local after
  after="$(tree_digest "${FAKE_ROOT}")"
  : >"${STUB_LOG}"
  run_lease RENEW vm.c.p.internal 10.0.0.2
  assert_success
  assert_output ''
  assert_equal "$(tree_digest "${FAKE_ROOT}")" "${after}"
  assert_equal "$(cat "${STUB_LOG}")" ''
}

@test "new_host_name=metadata.google.internal changes nothing" {
  use_root hostname-systemd
  local before
  before="$(tree_digest "${FAKE_ROOT}")"
  run_lease BOUND metadata.google.internal 10.0.0.2
  assert_success
  assert_line 'google_set_hostname: WARNING refusing host name metadata.google.internal: it names the metadata server'
  assert_equal "$(tree_digest "${FAKE_ROOT}")" "${before}"
  assert_calls hostname
  run_lease BOUND vm.METADATA.Google.Internal 10.0.0.2
  assert_line --partial 'refusing host name vm.METADATA.Google.Internal'
  assert_equal "$(tree_digest "${FAKE_ROOT}")" "${before}"
}

@test "reason=EXPIRE (and any reason but BOUND, RENEW, REBIND, REBOOT) changes nothing" {
  use_root hostname-systemd
  local before reason_name
  before="$(tree_digest "${FAKE_ROOT}")"
  for reason_name in EXPIRE FAIL RELEASE STOP PREINIT TIMEOUT ''; do
    run_lease "${reason_name}" vm.c.p.internal 10.0.0.2
    assert_success
    assert_output ''
  done
  assert_equal "$(tree_digest "${FAKE_ROOT}")" "${before}"
  assert_equal "$(cat "${STUB_LOG}")" ''
}

@test "each of REBIND and REBOOT applies the lease" {
  local reason_name
  for reason_name in REBIND REBOOT; do
    use_root hostname-sysvinit
    run_lease "${reason_name}" "vm-${reason_name,,}.c.p.internal" 10.0.0.3
    assert_success
    assert_calls hostname "hostname vm-${reason_name,,}"
    rm -rf "${FAKE_ROOT}"
  done
}

@test "a host name with ';' (or any character outside [A-Za-z0-9.-]) is refused" {
  use_root hostname-systemd
  local before name
  before="$(tree_digest "${FAKE_ROOT}")"
  for name in 'vm;reboot' 'vm$(id)' 'vm name' 'vm_1.internal' '.c.p.internal'; do
    run_lease BOUND "${name}" 10.0.0.2
    assert_success
    assert_line --partial 'WARNING refusing host name'
  done
  assert_line --partial "refusing host name .c.p.internal: its first label is empty"
  assert_equal "$(tree_digest "${FAKE_ROOT}")" "${before}"
  assert_calls hostname
}

@test "an empty host name does nothing" {
  use_root hostname-systemd
  run_lease BOUND '' 10.0.0.2
  assert_success
  assert_output ''
  assert_equal "$(cat "${STUB_LOG}")" ''
}

@test "an address change replaces the Google host line and keeps the metadata line once" {
  use_root hostname-systemd
  run_lease BOUND vm.c.p.internal 10.0.0.2
  run_lease RENEW vm.c.p.internal 10.0.0.7
  assert_success
  assert_equal "$(grep -c 'Added by Google' "${FAKE_ROOT}/etc/hosts")" 2
  assert_equal "$(grep -c '^10.0.0.7 vm.c.p.internal vm  # Added by Google$' "${FAKE_ROOT}/etc/hosts")" 1
  refute_output --partial 'set-hostname'
}

@test "an administrator's own 169.254.169.254 line means no Google metadata line" {
  use_root hostname-systemd
  printf '127.0.0.1 localhost\n169.254.169.254 metadata.google.internal metadata\n' >"${FAKE_ROOT}/etc/hosts"
  run_lease BOUND vm.c.p.internal 10.0.0.2
  assert_success
  assert_equal "$(hosts)" "$(printf '%s\n' '127.0.0.1 localhost' \
    '169.254.169.254 metadata.google.internal metadata' \
    '10.0.0.2 vm.c.p.internal vm  # Added by Google')"
}

@test "/etc/hosts is replaced by rename (new inode, mode 0644, no temp file left)" {
  use_root hostname-systemd
  chmod 0600 "${FAKE_ROOT}/etc/hosts"
  local inode
  inode="$(stat -c %i "${FAKE_ROOT}/etc/hosts")"
  run_lease BOUND vm.c.p.internal 10.0.0.2
  assert_success
  refute [ "$(stat -c %i "${FAKE_ROOT}/etc/hosts")" = "${inode}" ]
  assert_equal "$(stat -c %a "${FAKE_ROOT}/etc/hosts")" 644
  assert_equal "$(find "${FAKE_ROOT}/etc" -name '.hosts.*' | wc -l)" 0
  assert_calls restorecon "restorecon ${FAKE_ROOT}/etc/hosts"
}

@test "a bind-mounted /etc/hosts (container) is rewritten in place, same inode" {
  use_root hostname-container
  local inode
  inode="$(stat -c %i "${FAKE_ROOT}/etc/hosts")"
  run_lease BOUND vm.c.p.internal 10.0.0.2
  assert_success
  assert_equal "$(stat -c %i "${FAKE_ROOT}/etc/hosts")" "${inode}"
  assert_equal "$(hosts)" "$(printf '%s\n' '127.0.0.1	localhost' '172.17.0.5	abc123' \
    '10.0.0.2 vm.c.p.internal vm  # Added by Google' \
    '169.254.169.254 metadata.google.internal  # Added by Google')"
  assert_line 'google_set_hostname: INFO applied write-hosts path=/etc/hosts mode=in-place'
}

@test "without systemd, syslog is told with pkill -HUP syslogd" {
  use_root hostname-sysvinit
  run_lease BOUND vm.c.p.internal 10.0.0.2
  assert_success
  assert_calls hostname 'hostname vm'
  assert_calls pkill 'pkill -HUP syslogd'
  assert_calls systemctl
}

@test "a host name already set: /etc/hosts updated, no hostname call, syslog left alone" {
  use_root hostname-systemd
  echo vm >"${FAKE_ROOT}/proc/sys/kernel/hostname"
  run_lease BOUND vm.c.p.internal 10.0.0.2
  assert_success
  assert_line 'google_set_hostname: INFO applied write-hosts path=/etc/hosts'
  assert_calls hostname
  assert_calls systemctl
}

@test "no new_ip_address: /etc/hosts untouched, host name still set" {
  use_root hostname-systemd
  local before
  before="$(sha256sum <"${FAKE_ROOT}/etc/hosts")"
  run_lease BOUND vm.c.p.internal ''
  assert_success
  assert_equal "$(sha256sum <"${FAKE_ROOT}/etc/hosts")" "${before}"
  assert_calls hostname 'hostname vm'
}

@test "a malformed new_ip_address is not written to /etc/hosts" {
  use_root hostname-systemd
  local before
  before="$(sha256sum <"${FAKE_ROOT}/etc/hosts")"
  run_lease BOUND vm.c.p.internal '10.0.0.2 evil.example.com'
  assert_success
  assert_line --partial 'WARNING ignoring new_ip_address'
  assert_equal "$(sha256sum <"${FAKE_ROOT}/etc/hosts")" "${before}"
}

@test "a missing /etc/hosts is created" {
  use_root hostname-systemd
  rm "${FAKE_ROOT}/etc/hosts"
  run_lease BOUND vm.c.p.internal 10.0.0.2
  assert_success
  assert_equal "$(hosts)" "$(printf '%s\n' '10.0.0.2 vm.c.p.internal vm  # Added by Google' \
    '169.254.169.254 metadata.google.internal  # Added by Google')"
}

@test "a failing hostname command is reported with exit 1 and syslog is not told" {
  use_root hostname-systemd
  stub_answer hostname 'vm' --rc 1 --err 'hostname: you must be root to change the host name'
  run_lease BOUND vm.c.p.internal 10.0.0.2
  assert_failure 1
  assert_line 'google_set_hostname: ERROR failed set-hostname name=vm: hostname: you must be root to change the host name'
  assert_calls systemctl
}

@test "a failing rsyslog restart is a warning only" {
  use_root hostname-systemd
  stub_answer systemctl 'try-restart rsyslog.service' --rc 5 --err 'Unit rsyslog.service not found.'
  run_lease BOUND vm.c.p.internal 10.0.0.2
  assert_success
  assert_line --partial 'WARNING syslog not told about the new host name'
}

@test "nothing outside the fake root is written (run with every other mount read-only)" {
  require_confinement
  use_root hostname-systemd
  reason=BOUND new_host_name=vm.c.p.internal new_ip_address=10.0.0.2 run_confined "${HELPER}"
  assert_success
  refute_output --partial 'ERROR'
  assert_equal "$(tail -n 1 "${FAKE_ROOT}/etc/hosts")" '169.254.169.254 metadata.google.internal  # Added by Google'
}
