#!/usr/bin/env bats
#
# google_optimize_local_ssd against generated fake sysfs/procfs roots (behaviour spec §8.3):
# NVMe and virtio-scsi local SSDs, scheduler choice, IRQ round robin for 1 to 96 CPUs, failed
# writes, idempotence, and a confined run proving nothing outside the fake root is written.

load test_helper

HELPER="${BATS_TEST_DIRNAME}/../../shell/google_optimize_local_ssd"

setup() {
  common_setup
  export GOOGLE_OPTIMIZE_LOCAL_SSD_FAKEROOT="${FAKE_ROOT}"
}

# Asserts the queue attributes every local SSD gets (the scheduler is checked separately).
assert_tuned_queue() {
  local q="${FAKE_ROOT}/sys/block/$1/queue"
  assert_file_content "${q}/add_random" 0
  assert_file_content "${q}/nr_requests" 512
  assert_file_content "${q}/rotational" 0
  assert_file_content "${q}/rq_affinity" 0
  assert_file_content "${q}/nomerges" 1
}

# Asserts a disk's queue still has the builder's defaults.
assert_untouched_queue() {
  local q="${FAKE_ROOT}/sys/block/$1/queue"
  assert_file_content "${q}/add_random" 1
  assert_file_content "${q}/nr_requests" 256
  assert_file_content "${q}/nomerges" 0
}

@test "--help prints the usage and exits 0" {
  run "${HELPER}" --help
  assert_success
  assert_output --partial 'Usage: google_optimize_local_ssd [--help]'
  assert_output --partial 'GOOGLE_OPTIMIZE_LOCAL_SSD_FAKEROOT'
}

@test "an unexpected argument is a usage error with exit 2" {
  run "${HELPER}" --bogus
  assert_failure 2
  assert_line "google_optimize_local_ssd: ERROR unexpected argument '--bogus' (see --help)"
}

@test "a VM without local SSDs (0 NVMe, persistent disk only) changes nothing and exits 0" {
  fx_cpus "${FAKE_ROOT}" 4
  fx_scsi_disk "${FAKE_ROOT}" sda 'PersistentDisk' 1 1 '[mq-deadline] none'
  fx_irq "${FAKE_ROOT}" 43 4 virtio1-request
  local before
  before="$(tree_digest "${FAKE_ROOT}")"
  run "${HELPER}"
  assert_success
  assert_output 'google_optimize_local_ssd: INFO no local SSD found; nothing to do'
  assert_equal "$(tree_digest "${FAKE_ROOT}")" "${before}"
}

@test "one NVMe local SSD on 2 CPUs: IRQs alternate 0,1 and the queue is tuned" {
  fx_cpus "${FAKE_ROOT}" 2
  fx_nvme "${FAKE_ROOT}" 0 nvme_card 24 5 2 '[mq-deadline] kyber none'
  run "${HELPER}"
  assert_success
  local irq expected=(0 1 0 1 0)
  for irq in 24 25 26 27 28; do
    assert_file_content "${FAKE_ROOT}/proc/irq/${irq}/smp_affinity_list" "${expected[irq - 24]}"
  done
  assert_file_content "${FAKE_ROOT}/sys/block/nvme0n1/queue/scheduler" none
  assert_tuned_queue nvme0n1
  assert_line 'google_optimize_local_ssd: INFO applied set-irq-affinity irq=25 device=nvme0 cpu=1'
  assert_line 'google_optimize_local_ssd: INFO applied set-queue device=nvme0n1 scheduler=none'
  assert_line 'google_optimize_local_ssd: INFO applied set-queue device=nvme0n1 nr_requests=512'
}

@test "eight NVMe local SSDs: IRQs go round robin over 1, 2, 16, 64 and 96 CPUs" {
  local cpus i k expected
  for cpus in 1 2 16 64 96; do
    rm -rf "${FAKE_ROOT}" && mkdir -p "${FAKE_ROOT}"
    fx_cpus "${FAKE_ROOT}" "${cpus}"
    # 9 MSI vectors per controller (admin + 8 I/O queues), numbered from 24 without gaps.
    for ((i = 0; i < 8; i++)); do
      fx_nvme "${FAKE_ROOT}" "${i}" nvme_card $((24 + 9 * i)) 9 "${cpus}" '[none] mq-deadline'
    done
    run "${HELPER}"
    assert_success
    expected=''
    for ((k = 0; k < 72; k++)); do expected+="$((24 + k))=$((k % cpus))"$'\n'; done
    assert_equal "$(irq_affinities 24 72)" "${expected%$'\n'}"
  done
  for ((i = 0; i < 8; i++)); do assert_tuned_queue "nvme${i}n1"; done
}

@test "IRQ order is numeric across controllers, not the order of directory names" {
  fx_cpus "${FAKE_ROOT}" 4
  fx_nvme "${FAKE_ROOT}" 0 nvme_card 98 3 4 '[none]'
  fx_nvme "${FAKE_ROOT}" 1 nvme_card 101 2 4 '[none]'
  run "${HELPER}"
  assert_success
  local irq expected=(0 1 2 3 0)
  for irq in 98 99 100 101 102; do
    assert_file_content "${FAKE_ROOT}/proc/irq/${irq}/smp_affinity_list" "${expected[irq - 98]}"
  done
}

@test "an NVMe persistent disk (nvme_card-pd) is left alone next to a local SSD" {
  fx_cpus "${FAKE_ROOT}" 2
  fx_nvme "${FAKE_ROOT}" 0 nvme_card-pd 24 3 2 '[none] mq-deadline'
  fx_nvme "${FAKE_ROOT}" 1 nvme_card 30 3 2 '[none] mq-deadline'
  run "${HELPER}"
  assert_success
  assert_untouched_queue nvme0n1
  assert_file_content "${FAKE_ROOT}/proc/irq/24/smp_affinity_list" '0-1'
  assert_tuned_queue nvme1n1
  assert_file_content "${FAKE_ROOT}/proc/irq/30/smp_affinity_list" 0
  assert_file_content "${FAKE_ROOT}/proc/irq/31/smp_affinity_list" 1
  refute_output --partial 'nvme0'
}

@test "a SCSI EphemeralDisk gets noop when offered; the persistent disk and other IRQs stay" {
  fx_cpus "${FAKE_ROOT}" 2
  fx_scsi_disk "${FAKE_ROOT}" sda 'PersistentDisk' 1 1 'noop deadline [cfq]'
  fx_scsi_disk "${FAKE_ROOT}" sdb 'EphemeralDisk' 1 2 'noop deadline [cfq]'
  fx_irq "${FAKE_ROOT}" 40 2 virtio1-config
  fx_irq "${FAKE_ROOT}" 41 2 virtio1-control
  fx_irq "${FAKE_ROOT}" 42 2 virtio1-event
  fx_irq "${FAKE_ROOT}" 43 2 virtio1-request
  fx_irq "${FAKE_ROOT}" 44 2 virtio0-input.0
  run "${HELPER}"
  assert_success
  assert_file_content "${FAKE_ROOT}/sys/block/sdb/queue/scheduler" noop
  assert_tuned_queue sdb
  assert_file_content "${FAKE_ROOT}/sys/block/sda/queue/scheduler" 'noop deadline [cfq]'
  assert_untouched_queue sda
  assert_file_content "${FAKE_ROOT}/proc/irq/43/smp_affinity_list" 0
  local irq
  for irq in 40 41 42 44; do
    assert_file_content "${FAKE_ROOT}/proc/irq/${irq}/smp_affinity_list" '0-1'
  done
}

@test "multi-queue virtio-scsi: request IRQs continue the round robin after the NVMe IRQs" {
  fx_cpus "${FAKE_ROOT}" 4
  fx_nvme "${FAKE_ROOT}" 0 nvme_card 24 2 4 '[none]'
  fx_scsi_disk "${FAKE_ROOT}" sdb 'Google EphemeralDisk' 2 1 '[mq-deadline] none'
  fx_scsi_disk "${FAKE_ROOT}" sdc 'Google EphemeralDisk' 2 2 '[mq-deadline] none'
  fx_irq "${FAKE_ROOT}" 50 4 virtio2-request.0
  fx_irq "${FAKE_ROOT}" 51 4 virtio2-request.1
  fx_irq "${FAKE_ROOT}" 52 4 virtio2-request.2
  run "${HELPER}"
  assert_success
  local irq
  declare -A cpu_of=([24]=0 [25]=1 [50]=2 [51]=3 [52]=0)
  for irq in 24 25 50 51 52; do
    assert_file_content "${FAKE_ROOT}/proc/irq/${irq}/smp_affinity_list" "${cpu_of[${irq}]}"
  done
  assert_equal "$(grep -c 'irq=50 ' <<<"${output}")" 1
  assert_file_content "${FAKE_ROOT}/sys/block/sdb/queue/scheduler" none
  assert_file_content "${FAKE_ROOT}/sys/block/sdc/queue/scheduler" none
}

@test "a scheduler list without noop or none is left unchanged and says why" {
  fx_cpus "${FAKE_ROOT}" 1
  fx_scsi_disk "${FAKE_ROOT}" sdb 'EphemeralDisk' 1 1 '[mq-deadline] kyber bfq'
  run "${HELPER}"
  assert_success
  assert_file_content "${FAKE_ROOT}/sys/block/sdb/queue/scheduler" '[mq-deadline] kyber bfq'
  assert_line --partial 'scheduler of sdb left unchanged: neither noop nor none is offered'
  assert_tuned_queue sdb
}

@test "a failed write is reported per device, the other writes still happen, exit 1" {
  fx_cpus "${FAKE_ROOT}" 2
  fx_scsi_disk "${FAKE_ROOT}" sdb 'EphemeralDisk' 1 1 'noop [none]'
  fx_nvme "${FAKE_ROOT}" 0 nvme_card 24 2 2 '[none]'
  # A directory in place of an attribute makes the write fail, even for root.
  rm "${FAKE_ROOT}/sys/block/sdb/queue/nr_requests" "${FAKE_ROOT}/proc/irq/24/smp_affinity_list"
  mkdir "${FAKE_ROOT}/sys/block/sdb/queue/nr_requests" "${FAKE_ROOT}/proc/irq/24/smp_affinity_list"
  run "${HELPER}"
  assert_failure 1
  assert_line 'google_optimize_local_ssd: ERROR failed set-queue device=sdb nr_requests=512: Is a directory'
  assert_line --partial 'ERROR failed set-irq-affinity irq=24 device=nvme0 cpu=0: '
  assert_file_content "${FAKE_ROOT}/sys/block/sdb/queue/nomerges" 1
  assert_file_content "${FAKE_ROOT}/sys/block/sdb/queue/scheduler" noop
  assert_file_content "${FAKE_ROOT}/proc/irq/25/smp_affinity_list" 1
}

@test "a missing online CPU list is an error; the queues are still tuned" {
  fx_cpus "${FAKE_ROOT}" 2
  fx_nvme "${FAKE_ROOT}" 0 nvme_card 24 2 2 '[none]'
  rm "${FAKE_ROOT}/sys/devices/system/cpu/online"
  run "${HELPER}"
  assert_failure 1
  assert_line --partial 'ERROR cannot read the online CPU list'
  assert_tuned_queue nvme0n1
  assert_file_content "${FAKE_ROOT}/proc/irq/24/smp_affinity_list" '0-1'
}

@test "a second run finds everything in place: no write, no log line" {
  fx_cpus "${FAKE_ROOT}" 16
  fx_nvme "${FAKE_ROOT}" 0 nvme_card 24 9 16 '[mq-deadline] none'
  fx_scsi_disk "${FAKE_ROOT}" sdb 'EphemeralDisk' 1 1 'noop deadline [cfq]'
  fx_irq "${FAKE_ROOT}" 43 16 virtio1-request
  run "${HELPER}"
  assert_success
  local after
  after="$(tree_digest "${FAKE_ROOT}")"
  : >"${STUB_LOG}"
  run "${HELPER}"
  assert_success
  assert_output ''
  assert_equal "$(tree_digest "${FAKE_ROOT}")" "${after}"
  assert_equal "$(cat "${STUB_LOG}")" ''
}

@test "log lines also go to syslog through logger with the helper's tag" {
  fx_cpus "${FAKE_ROOT}" 2
  fx_nvme "${FAKE_ROOT}" 0 nvme_card 24 1 2 '[none]'
  rm "${FAKE_ROOT}/sys/block/nvme0n1/queue/nomerges"
  mkdir "${FAKE_ROOT}/sys/block/nvme0n1/queue/nomerges"
  run "${HELPER}"
  assert_failure 1
  run stub_calls logger
  assert_line 'logger -t google_optimize_local_ssd -p daemon.info -- INFO applied set-irq-affinity irq=24 device=nvme0 cpu=0'
  assert_line 'logger -t google_optimize_local_ssd -p daemon.err -- ERROR failed set-queue device=nvme0n1 nomerges=1: Is a directory'
}

@test "nothing outside the fake root is written (run with every other mount read-only)" {
  require_confinement
  fx_cpus "${FAKE_ROOT}" 64
  local i
  for ((i = 0; i < 8; i++)); do
    fx_nvme "${FAKE_ROOT}" "${i}" nvme_card $((24 + 9 * i)) 9 64 '[mq-deadline] none'
  done
  fx_scsi_disk "${FAKE_ROOT}" sdb 'EphemeralDisk' 1 1 'noop deadline [cfq]'
  fx_irq "${FAKE_ROOT}" 100 64 virtio1-request
  run_confined "${HELPER}"
  assert_success
  refute_output --partial 'ERROR'
  assert_file_content "${FAKE_ROOT}/proc/irq/95/smp_affinity_list" 7
  assert_file_content "${FAKE_ROOT}/proc/irq/100/smp_affinity_list" 8
}
