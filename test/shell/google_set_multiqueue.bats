#!/usr/bin/env bats
#
# google_set_multiqueue against generated fake sysfs/procfs roots and an ethtool stub
# (behaviour spec §8.4): channels, INTx and MSI-X IRQ placement, XPS masks for 1 to 96 CPUs
# (including 40 CPUs / 4 queues and more queues than CPUs), irqbalance, failures, idempotence.

load test_helper

HELPER="${BATS_TEST_DIRNAME}/../../shell/google_set_multiqueue"

setup() {
  common_setup
  export GOOGLE_SET_MULTIQUEUE_FAKEROOT="${FAKE_ROOT}"
}

# Builds a VM with one virtio-net eth0 (MSI-X) of the given queue count whose ethtool reports
# that maximum and the given current value.
vm_with_eth0() {
  local cpus="$1" queues="$2" current="${3:-1}"
  fx_cpus "${FAKE_ROOT}" "${cpus}"
  fx_virtio_net "${FAKE_ROOT}" 1 eth0 "${queues}" msix 24 "${cpus}"
  stub_answer ethtool '-l eth0' --out "$(fx_ethtool_l eth0 "${queues}" "${current}")"
}

# Prints the affinity of the IRQ of virtio1's input or output queue q (IRQs from 24, see builder).
queue_irq_affinity() {
  local irq=$((24 + 1 + 2 * $2))
  [[ "$1" == input ]] || irq=$((irq + 1))
  cat "${FAKE_ROOT}/proc/irq/${irq}/smp_affinity_list"
}

xps() {
  cat "${FAKE_ROOT}/sys/class/net/eth0/queues/tx-$1/xps_cpus"
}

@test "--help prints the usage and exits 0" {
  run "${HELPER}" --help
  assert_success
  assert_output --partial 'Usage: google_set_multiqueue [--help]'
  assert_output --partial 'GOOGLE_SET_MULTIQUEUE_FAKEROOT'
}

@test "an unexpected argument is a usage error with exit 2" {
  run "${HELPER}" eth0
  assert_failure 2
  assert_line "google_set_multiqueue: ERROR unexpected argument 'eth0' (see --help)"
}

@test "no virtio-net device: nothing to do, exit 0" {
  fx_cpus "${FAKE_ROOT}" 2
  run "${HELPER}"
  assert_success
  assert_output 'google_set_multiqueue: INFO no virtio-net device found; nothing to do'
  assert_calls ethtool
}

@test "1 queue on 1 CPU: no channel change, both IRQs and XPS on CPU 0" {
  vm_with_eth0 1 1 1
  # As if CPUs had been offlined since boot: every vector still lists four.
  local irq
  for irq in 24 25 26; do fx_write "${FAKE_ROOT}/proc/irq/${irq}/smp_affinity_list" 0-3; done
  run "${HELPER}"
  assert_success
  assert_calls ethtool 'ethtool -l eth0'
  assert_equal "$(queue_irq_affinity input 0)" 0
  assert_equal "$(queue_irq_affinity output 0)" 0
  assert_equal "$(xps 0)" 00000001
  assert_file_content "${FAKE_ROOT}/proc/irq/24/smp_affinity_list" 0-3 # config vector untouched
}

@test "16 queues on 16 CPUs: channels raised to 16, queue q on CPU q, XPS one CPU per queue" {
  vm_with_eth0 16 16 1
  run "${HELPER}"
  assert_success
  assert_calls ethtool 'ethtool -l eth0' 'ethtool -L eth0 combined 16'
  assert_line 'google_set_multiqueue: INFO applied set-channels interface=eth0 combined=16'
  local q
  for ((q = 0; q < 16; q++)); do
    assert_equal "$(queue_irq_affinity input "${q}")" "${q}"
    assert_equal "$(queue_irq_affinity output "${q}")" "${q}"
    assert_equal "$(xps "${q}")" "$(printf '%08x' $((1 << q)))"
  done
}

@test "channels already at the maximum are not set again" {
  vm_with_eth0 4 4 4
  run "${HELPER}"
  assert_success
  assert_calls ethtool 'ethtool -l eth0'
}

@test "more queues than CPUs (16 queues, 2 CPUs): IRQs wrap, queues beyond the CPUs get no XPS CPU" {
  vm_with_eth0 2 16 1
  run "${HELPER}"
  assert_success
  local q
  for ((q = 0; q < 16; q++)); do
    assert_equal "$(queue_irq_affinity input "${q}")" $((q % 2))
    assert_equal "$(queue_irq_affinity output "${q}")" $((q % 2))
  done
  assert_equal "$(xps 0)" 00000001
  assert_equal "$(xps 1)" 00000002
  for ((q = 2; q < 16; q++)); do assert_equal "$(xps "${q}")" 0; done
}

@test "XPS for 40 CPUs and 4 queues spans two 32-bit words, most significant first" {
  vm_with_eth0 40 4 4
  run "${HELPER}"
  assert_success
  assert_equal "$(xps 0)" 00000011,11111111
  assert_equal "$(xps 1)" 00000022,22222222
  assert_equal "$(xps 2)" 00000044,44444444
  assert_equal "$(xps 3)" 00000088,88888888
}

@test "XPS for 64 CPUs and 16 queues sets the same bits in both words" {
  vm_with_eth0 64 16 16
  run "${HELPER}"
  assert_success
  assert_equal "$(xps 0)" 00010001,00010001
  assert_equal "$(xps 15)" 80008000,80008000
  assert_equal "$(queue_irq_affinity output 15)" 15
}

@test "XPS for 96 CPUs and 16 queues uses three words" {
  vm_with_eth0 96 16 16
  run "${HELPER}"
  assert_success
  assert_equal "$(xps 0)" 00010001,00010001,00010001
  assert_equal "$(xps 7)" 00800080,00800080,00800080
  assert_equal "$(xps 15)" 80008000,80008000,80008000
}

@test "an INTx virtio-net device has its single IRQ on CPU 0" {
  fx_cpus "${FAKE_ROOT}" 4
  fx_virtio_net "${FAKE_ROOT}" 0 eth0 1 intx 11 4
  stub_answer ethtool '-l eth0' --rc 95 --err 'Cannot get device channel parameters'
  run "${HELPER}"
  assert_success
  assert_file_content "${FAKE_ROOT}/proc/irq/11/smp_affinity_list" 0
  assert_line --partial 'channels of eth0 left unchanged: ethtool -l failed: Cannot get device channel parameters'
  assert_equal "$(xps 0)" 0000000f
}

@test "two interfaces are handled independently" {
  fx_cpus "${FAKE_ROOT}" 4
  fx_virtio_net "${FAKE_ROOT}" 1 eth0 4 msix 24 4
  fx_virtio_net "${FAKE_ROOT}" 2 eth1 2 msix 40 4
  stub_answer ethtool '-l eth0' --out "$(fx_ethtool_l eth0 4 1)"
  stub_answer ethtool '-l eth1' --out "$(fx_ethtool_l eth1 2 2)"
  run "${HELPER}"
  assert_success
  assert_calls ethtool 'ethtool -l eth0' 'ethtool -L eth0 combined 4' 'ethtool -l eth1'
  assert_file_content "${FAKE_ROOT}/proc/irq/44/smp_affinity_list" 1 # virtio2-output.1
  assert_file_content "${FAKE_ROOT}/sys/class/net/eth1/queues/tx-1/xps_cpus" 0000000a
}

@test "a running irqbalance draws exactly one warning" {
  vm_with_eth0 4 4 4
  stub_answer pgrep '-x irqbalance' --out 812
  run "${HELPER}"
  assert_success
  assert_equal "$(grep -c 'irqbalance' <<<"${output}")" 1
  assert_line 'google_set_multiqueue: WARNING irqbalance is running and may override the IRQ affinities set here'
  assert_calls pgrep 'pgrep -x irqbalance'
}

@test "without ethtool, channels are skipped with a warning and IRQs and XPS are still set" {
  vm_with_eth0 4 4 1
  # A PATH holding only the stubs the helper may use besides ethtool, and the tools it needs.
  local bin="${BATS_TEST_TMPDIR}/bin" tool
  mkdir -p "${bin}"
  for tool in logger pgrep; do ln -s "${STUBS_DIR}/${tool}" "${bin}/${tool}"; done
  for tool in sort cat; do ln -s "$(command -v "${tool}")" "${bin}/${tool}"; done
  PATH="${bin}" run "${HELPER}"
  assert_success
  assert_line 'google_set_multiqueue: WARNING ethtool not found on PATH: channels of eth0 left unchanged'
  assert_equal "$(queue_irq_affinity input 3)" 3
  assert_equal "$(xps 2)" 00000004
}

@test "a failing ethtool -L is reported and makes the exit status 1" {
  vm_with_eth0 4 4 1
  stub_answer ethtool '-L eth0 combined 4' --rc 1 --err 'Cannot set device channel parameters: Invalid argument'
  run "${HELPER}"
  assert_failure 1
  assert_line 'google_set_multiqueue: ERROR failed set-channels interface=eth0 combined=4: Cannot set device channel parameters: Invalid argument'
  assert_equal "$(xps 3)" 00000008
}

@test "a failed IRQ or XPS write is reported, the rest is still written, exit 1" {
  vm_with_eth0 2 2 2
  rm "${FAKE_ROOT}/sys/class/net/eth0/queues/tx-0/xps_cpus" "${FAKE_ROOT}/proc/irq/25/smp_affinity_list"
  mkdir "${FAKE_ROOT}/sys/class/net/eth0/queues/tx-0/xps_cpus" "${FAKE_ROOT}/proc/irq/25/smp_affinity_list"
  run "${HELPER}"
  assert_failure 1
  assert_line 'google_set_multiqueue: ERROR failed set-xps interface=eth0 queue=0 cpus=00000001: Is a directory'
  assert_line --partial 'ERROR failed set-irq-affinity irq=25 device=virtio1 queue=input.0 cpu=0: '
  assert_equal "$(xps 1)" 00000002
  assert_equal "$(queue_irq_affinity output 1)" 1
}

@test "a second run writes nothing: masks compare equal however the kernel pads them" {
  vm_with_eth0 40 4 4
  run "${HELPER}"
  assert_success
  # The kernel prints the top word of a 40-CPU mask with two digits only.
  fx_write "${FAKE_ROOT}/sys/class/net/eth0/queues/tx-0/xps_cpus" 11,11111111
  local after
  after="$(tree_digest "${FAKE_ROOT}")"
  : >"${STUB_LOG}"
  run "${HELPER}"
  assert_success
  assert_output ''
  assert_equal "$(tree_digest "${FAKE_ROOT}")" "${after}"
  assert_calls logger
}

@test "nothing outside the fake root is written (run with every other mount read-only)" {
  require_confinement
  vm_with_eth0 96 16 1
  fx_virtio_net "${FAKE_ROOT}" 0 eth1 1 intx 11 96
  stub_answer ethtool '-l eth1' --out "$(fx_ethtool_l eth1 1 1)"
  run_confined "${HELPER}"
  assert_success
  refute_output --partial 'ERROR'
  assert_equal "$(xps 15)" 80008000,80008000,80008000
  assert_file_content "${FAKE_ROOT}/proc/irq/11/smp_affinity_list" 0
}
