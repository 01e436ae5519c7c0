#!/usr/bin/env bats
#
# Every shell file of the repository (test/support/shell-files.sh lists them) passes ShellCheck,
# /bin/sh files as POSIX sh and .bats files as bats (test/support/shellcheck-all.sh).

load test_helper

@test "every shell file passes shellcheck" {
  command -v shellcheck >/dev/null || skip "shellcheck is not installed (apt-get install shellcheck)"
  run "${BATS_TEST_DIRNAME}/../support/shellcheck-all.sh"
  assert_success
}

@test "the shell-file list finds the helpers, init scripts and maintainer scripts" {
  run "${BATS_TEST_DIRNAME}/../support/shell-files.sh"
  assert_success
  assert_line 'shell/google_set_multiqueue'
  assert_line 'init/sysvinit/google-guest-daemon'
  assert_line --partial 'nfpm/scripts/google-compute-engine-init/systemd/postinst.sh'
}
