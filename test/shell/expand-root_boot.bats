#!/usr/bin/env bats
# shellcheck disable=SC2016  # single-quoted scripts and patterns are expanded later, on purpose
#
# How expand-root is started at boot (behaviour spec §11): the EL7 unit (two ExecStart= steps,
# no status masking), the EL6 SysV script (filesystem step) and the EL6 dracut module (check,
# install, and the pre-mount hook that grows the partition before / is mounted).

load test_helper

UNIT="${BATS_TEST_DIRNAME}/../../init/systemd/expand-root.service"
SYSV="${BATS_TEST_DIRNAME}/../../init/sysvinit/expand-root"
DRACUT="${BATS_TEST_DIRNAME}/../../shell/gce-disk-expand/dracut/50expand-root"

setup() {
  common_setup
  export EXPAND_ROOT="${STUBS_DIR}/expand-root"
}

@test "EL7 unit: a oneshot after local-fs.target running partition, then filesystem" {
  run grep -E '^(Type|After|ExecStart|ExecStop|SuccessExitStatus|RemainAfterExit|WantedBy)=' "${UNIT}"
  assert_output "$(printf '%s\n' 'After=local-fs.target' 'Type=oneshot' \
    'ExecStart=/usr/bin/expand-root partition' 'ExecStart=/usr/bin/expand-root filesystem' \
    'WantedBy=multi-user.target')"
}

@test "EL7 unit passes systemd-analyze verify (on a copy running /bin/true)" {
  command -v systemd-analyze >/dev/null || skip 'systemd-analyze is not installed'
  sed 's#/usr/bin/expand-root#/bin/true#' "${UNIT}" >"${BATS_TEST_TMPDIR}/expand-root.service"
  run systemd-analyze verify "${BATS_TEST_TMPDIR}/expand-root.service"
  assert_success
}

@test "EL6 SysV script: LSB and chkconfig headers" {
  run sed -n '/^### BEGIN INIT INFO/,/^### END INIT INFO/p' "${SYSV}"
  assert_line '# Provides:          expand-root'
  assert_line '# Required-Start:    $local_fs'
  assert_line '# Default-Start:     2 3 4 5'
  run grep -c '^# chkconfig: 2345 ' "${SYSV}"
  assert_output 1
}

@test "EL6 SysV script: start runs the filesystem step and passes its status on" {
  run "${SYSV}" start
  assert_success
  assert_calls expand-root 'expand-root filesystem'
  stub_answer expand-root filesystem --rc 1
  run "${SYSV}" start
  assert_failure 1
}

@test "EL6 SysV script: stop does nothing, status says nothing runs, misuse is exit 2" {
  run "${SYSV}" stop
  assert_success
  run "${SYSV}" status
  assert_failure 3
  run "${SYSV}" frobnicate
  assert_failure 2
  assert_output --partial 'Usage:'
  assert_calls expand-root
}

@test "dracut check: include the module only when expand-root and growpart are installed" {
  run "${DRACUT}/check"
  assert_success
  local bin="${BATS_TEST_TMPDIR}/bin"
  mkdir -p "${bin}"
  ln -s "${STUBS_DIR}/expand-root" "${bin}/expand-root"
  PATH="${bin}" run "${DRACUT}/check"
  assert_failure
}

@test "dracut install: copies expand-root and growpart, hooks pre-mount" {
  run bash -c '
    inst() { echo "inst $*"; }
    dracut_install() { echo "dracut_install $*"; }
    inst_hook() { echo "inst_hook $*"; }
    moddir="$1"
    . "$1/install"
  ' install "${DRACUT}"
  assert_success
  assert_line "inst ${STUBS_DIR}/expand-root /sbin/expand-root"
  assert_line --regexp '^dracut_install bash growpart sfdisk partx '
  assert_line "inst_hook pre-mount 50 ${DRACUT}/expand-root-pre-mount.sh"
}

@test "dracut pre-mount hook: grows the partition of root=block:/dev/… and never stops the boot" {
  stub_answer expand-root default --rc 1
  run sh -c 'root="$2"; . "$1/expand-root-pre-mount.sh"; echo "boot continues $?"' \
    dracut "${DRACUT}" block:/dev/sda1
  assert_output 'boot continues 0'
  run sh -c 'root="$2"; . "$1/expand-root-pre-mount.sh"' dracut "${DRACUT}" /dev/vda2
  assert_calls expand-root 'expand-root partition --device /dev/sda1' \
    'expand-root partition --device /dev/vda2'
}

@test "dracut pre-mount hook: other root= forms (nfs, unset) do nothing" {
  run sh -c 'root="$2"; . "$1/expand-root-pre-mount.sh"; echo done' dracut "${DRACUT}" nfs:10.0.0.1:/r
  assert_output 'done'
  run sh -c 'unset root; . "$1/expand-root-pre-mount.sh"; echo done' dracut "${DRACUT}"
  assert_output 'done'
  assert_calls expand-root
}
