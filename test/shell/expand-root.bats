#!/usr/bin/env bats
#
# expand-root (gce-disk-expand, behaviour spec §11) against generated fake sysfs/mountinfo trees
# with growpart, blkid, resize2fs and xfs_growfs stubs: which roots grow, which are left alone,
# the MBR 2 TiB cap, growpart's statuses, and the filesystem step. The real run on a loop device
# is in expand-root_loop.bats; the boot files are in expand-root_boot.bats.

load test_helper

HELPER="${BATS_TEST_DIRNAME}/../../shell/gce-disk-expand/expand-root"
readonly GIB=2097152 # sectors

setup() {
  common_setup
  export GCE_DISK_EXPAND_FAKEROOT="${FAKE_ROOT}"
}

# A disk with one root partition: disk sectors, partition sectors, table type, fs type.
one_partition_disk() {
  fx_disk "${FAKE_ROOT}" sda "$1"
  fx_partition "${FAKE_ROOT}" sda sda1 1 2048 "$2" 8:1
  fx_mountinfo_root "${FAKE_ROOT}" 8:1 "${4:-ext4}" /dev/sda1
  stub_answer blkid "-p -s PTTYPE -o value ${FAKE_ROOT}/dev/sda" --out "${3:-dos}"
}

@test "--help prints the usage and exits 0" {
  run "${HELPER}" --help
  assert_success
  assert_output --partial 'Usage: expand-root [--device DEVICE] partition'
  assert_output --partial 'GCE_DISK_EXPAND_FAKEROOT'
}

@test "misuse exits 2 with a clear message" {
  run "${HELPER}"
  assert_failure 2
  assert_output 'expand-root: ERROR missing step: partition or filesystem (see --help)'
  run "${HELPER}" grow
  assert_failure 2
  assert_output "expand-root: ERROR unexpected argument 'grow' (see --help)"
  run "${HELPER}" partition filesystem
  assert_failure 2
  run "${HELPER}" --device
  assert_failure 2
  assert_output --partial '--device needs a device path'
  run "${HELPER}" --device /dev/sda1 filesystem
  assert_failure 2
  assert_output --partial '--device applies to the partition step only'
  assert_equal "$(cat "${STUB_LOG}")" "$(grep '^logger ' "${STUB_LOG}")"
}

@test "the last partition with space after it grows" {
  one_partition_disk $((10 * GIB)) $((2 * GIB))
  run "${HELPER}" partition
  assert_success
  assert_calls growpart "growpart ${FAKE_ROOT}/dev/sda 1"
  assert_line 'expand-root: INFO applied grow-partition device=/dev/sda1 disk=/dev/sda added_mib=8191'
}

@test "the root partition after a boot partition is the last one and grows" {
  fx_disk "${FAKE_ROOT}" sda $((10 * GIB))
  fx_partition "${FAKE_ROOT}" sda sda1 1 2048 1048576 8:1
  fx_partition "${FAKE_ROOT}" sda sda2 2 1050624 $((2 * GIB)) 8:2
  fx_mountinfo_root "${FAKE_ROOT}" 8:2 xfs /dev/sda2
  run "${HELPER}" partition
  assert_success
  assert_calls growpart "growpart ${FAKE_ROOT}/dev/sda 2"
}

@test "a root partition that is not the last one is left alone" {
  one_partition_disk $((10 * GIB)) $((2 * GIB))
  fx_partition "${FAKE_ROOT}" sda sda2 2 $((2 * GIB + 2048)) 1048576 8:2
  run "${HELPER}" partition
  assert_success
  assert_line 'expand-root: INFO root partition sda1 is not the last one on sda (sda2 follows it); nothing to do'
  assert_calls growpart
}

@test "an LVM root is left alone by both steps" {
  fx_disk "${FAKE_ROOT}" sda $((10 * GIB))
  fx_partition "${FAKE_ROOT}" sda sda2 2 2048 $((2 * GIB)) 8:2
  fx_disk "${FAKE_ROOT}" dm-0 $((2 * GIB))
  mkdir -p "${FAKE_ROOT}/sys/dev/block"
  ln -s ../../block/dm-0 "${FAKE_ROOT}/sys/dev/block/253:0"
  fx_mountinfo_root "${FAKE_ROOT}" 253:0 ext4 /dev/mapper/vg-root
  run "${HELPER}" partition
  assert_success
  assert_line --partial 'root device dm-0 is not a partition'
  run "${HELPER}" filesystem
  assert_success
  assert_calls growpart
  assert_calls resize2fs
}

@test "a partition of a RAID device is left alone" {
  fx_disk "${FAKE_ROOT}" md127 $((10 * GIB))
  fx_partition "${FAKE_ROOT}" md127 md127p1 1 2048 $((2 * GIB)) 259:3
  fx_mountinfo_root "${FAKE_ROOT}" 259:3 ext4 /dev/md127p1
  run "${HELPER}" partition
  assert_success
  assert_line --partial 'root partition md127p1 is on md127, a device-mapper or RAID device; nothing to do'
  assert_calls growpart
}

@test "a full disk (512 MiB or less after the partition) is left alone" {
  one_partition_disk $((10 * GIB)) $((10 * GIB - 2048 - 1048576))
  run "${HELPER}" partition
  assert_success
  assert_line 'expand-root: INFO 512 MiB unallocated after sda1; nothing to do'
  assert_calls growpart
  rm -rf "${FAKE_ROOT}" && mkdir -p "${FAKE_ROOT}"
  one_partition_disk $((10 * GIB)) $((10 * GIB - 2048 - 1050624))
  run "${HELPER}" partition
  assert_success
  assert_calls growpart "growpart ${FAKE_ROOT}/dev/sda 1"
}

@test "MBR disk over 2 TiB: the 2 TiB cap is reported and the partition grows up to it" {
  one_partition_disk $((4096 * GIB)) $((2 * GIB)) dos
  run "${HELPER}" partition
  assert_success
  assert_line 'expand-root: INFO MBR partition table on sda: sda1 can end at 2 TiB at most; 2097152 MiB stay unused (a GPT disk would use them)'
  assert_line 'expand-root: INFO applied grow-partition device=/dev/sda1 disk=/dev/sda added_mib=2095103'
  assert_calls growpart "growpart ${FAKE_ROOT}/dev/sda 1"
}

@test "MBR partition already ending at 2 TiB on a bigger disk: cap reported, nothing to do" {
  one_partition_disk $((3072 * GIB)) $((2048 * GIB - 2048)) dos
  run "${HELPER}" partition
  assert_success
  assert_line --partial 'MBR partition table on sda: sda1 can end at 2 TiB at most; 1048576 MiB stay unused'
  assert_line 'expand-root: INFO 0 MiB unallocated after sda1; nothing to do'
  assert_calls growpart
}

@test "GPT disk over 2 TiB: no cap, the partition grows to the end" {
  one_partition_disk $((4096 * GIB)) $((2 * GIB)) gpt
  run "${HELPER}" partition
  assert_success
  refute_output --partial 'MBR'
  assert_line --partial 'added_mib=4192254'
  assert_calls growpart "growpart ${FAKE_ROOT}/dev/sda 1"
}

@test "growpart's NOCHANGE status (1) is success; any other failure is exit 1" {
  one_partition_disk $((10 * GIB)) $((2 * GIB))
  stub_answer growpart "${FAKE_ROOT}/dev/sda 1" --rc 1 --out 'NOCHANGE: partition 1 is size 4194304. it cannot be grown'
  run "${HELPER}" partition
  assert_success
  assert_line 'expand-root: INFO growpart left sda1 unchanged: NOCHANGE: partition 1 is size 4194304. it cannot be grown'
  stub_answer growpart "${FAKE_ROOT}/dev/sda 1" --rc 2 --out 'FAILED: failed to resize'
  run "${HELPER}" partition
  assert_failure 1
  assert_line 'expand-root: ERROR failed grow-partition device=/dev/sda1: growpart exited 2: FAILED: failed to resize'
}

@test "a missing growpart is an error naming the package to install" {
  one_partition_disk $((10 * GIB)) $((2 * GIB))
  local bin="${BATS_TEST_TMPDIR}/bin" tool
  mkdir -p "${bin}"
  for tool in logger blkid; do ln -s "${STUBS_DIR}/${tool}" "${bin}/${tool}"; done
  ln -s "$(command -v readlink)" "${bin}/readlink"
  PATH="${bin}" run "${HELPER}" partition
  assert_failure 1
  assert_line 'expand-root: ERROR failed grow-partition device=/dev/sda1: growpart not found on PATH (install cloud-utils-growpart)'
}

@test "NVMe root partition: growpart gets the namespace and the partition number" {
  fx_disk "${FAKE_ROOT}" nvme0n1 $((20 * GIB))
  fx_partition "${FAKE_ROOT}" nvme0n1 nvme0n1p15 15 2048 204800 259:1
  fx_partition "${FAKE_ROOT}" nvme0n1 nvme0n1p1 1 206848 $((2 * GIB)) 259:2
  fx_mountinfo_root "${FAKE_ROOT}" 259:2 xfs /dev/nvme0n1p1
  stub_answer blkid "-p -s PTTYPE -o value ${FAKE_ROOT}/dev/nvme0n1" --out gpt
  run "${HELPER}" partition
  assert_success
  assert_calls growpart "growpart ${FAKE_ROOT}/dev/nvme0n1 1"
}

@test "--device (initramfs) resolves a by-uuid link without reading mountinfo" {
  fx_disk "${FAKE_ROOT}" sda $((10 * GIB))
  fx_partition "${FAKE_ROOT}" sda sda1 1 2048 $((2 * GIB)) 8:1
  mkdir -p "${FAKE_ROOT}/dev/disk/by-uuid"
  ln -s ../../sda1 "${FAKE_ROOT}/dev/disk/by-uuid/1b3c5d7e"
  run "${HELPER}" --device /dev/disk/by-uuid/1b3c5d7e partition
  assert_success
  assert_calls growpart "growpart ${FAKE_ROOT}/dev/sda 1"
  run "${HELPER}" --device=/dev/disk/by-uuid/missing partition
  assert_failure 1
  assert_line 'expand-root: ERROR root device /dev/disk/by-uuid/missing not found in sysfs'
}

@test "a root whose major:minor is not in sysfs is found through its source device" {
  one_partition_disk $((10 * GIB)) $((2 * GIB)) dos btrfs
  sed -i 's/ 8:1 / 0:33 /' "${FAKE_ROOT}/proc/self/mountinfo"
  run "${HELPER}" partition
  assert_success
  assert_calls growpart "growpart ${FAKE_ROOT}/dev/sda 1"
}

@test "a root that is no block device (overlay) is nothing to do; no mountinfo is an error" {
  fx_write "${FAKE_ROOT}/proc/self/mountinfo" '600 1 0:52 / / rw - overlay overlay rw,lowerdir=/l'
  run "${HELPER}" partition
  assert_success
  assert_line 'expand-root: INFO root device overlay is not a block device; nothing to do'
  rm "${FAKE_ROOT}/proc/self/mountinfo"
  run "${HELPER}" filesystem
  assert_failure 1
  assert_line --partial 'ERROR cannot read'
}

@test "filesystem step: resize2fs for ext4, xfs_growfs / for XFS, others logged" {
  one_partition_disk $((10 * GIB)) $((2 * GIB)) dos ext4
  run "${HELPER}" filesystem
  assert_success
  assert_calls resize2fs "resize2fs ${FAKE_ROOT}/dev/sda1"
  assert_line 'expand-root: INFO the ext4 filesystem on / already fills sda1; nothing to do'
  sed -i 's/ - ext4 / - xfs /' "${FAKE_ROOT}/proc/self/mountinfo"
  run "${HELPER}" filesystem
  assert_success
  assert_calls xfs_growfs "xfs_growfs ${FAKE_ROOT}/"
  sed -i 's/ - xfs / - btrfs /' "${FAKE_ROOT}/proc/self/mountinfo"
  run "${HELPER}" filesystem
  assert_success
  assert_line 'expand-root: INFO the btrfs filesystem on / is not grown by expand-root; nothing to do'
  assert_calls growpart
}

@test "filesystem step: a failing resize2fs is exit 1 with its message" {
  one_partition_disk $((10 * GIB)) $((2 * GIB)) dos ext3
  stub_answer resize2fs "${FAKE_ROOT}/dev/sda1" --rc 1 --err 'resize2fs: Permission denied to resize filesystem'
  run "${HELPER}" filesystem
  assert_failure 1
  assert_line 'expand-root: ERROR failed grow-filesystem fs=ext3 device=/dev/sda1: resize2fs exited 1: resize2fs: Permission denied to resize filesystem'
}

@test "nothing outside the fake root is written (run with every other mount read-only)" {
  require_confinement
  one_partition_disk $((10 * GIB)) $((2 * GIB))
  run_confined "${HELPER}" partition
  assert_success
  run_confined "${HELPER}" filesystem
  assert_success
  assert_equal "$(stub_calls | grep -v '^blkid')" "$(printf '%s\n' \
    "growpart ${FAKE_ROOT}/dev/sda 1" "resize2fs ${FAKE_ROOT}/dev/sda1")"
}
