#!/usr/bin/env bats
#
# expand-root for real (behaviour spec §11): a sparse disk image in the test's temp dir with a
# small root partition last, enlarged as a disk resize would, attached to a loop device. For
# XFS (and ext4 where online resize is permitted) the partition is mounted under the temp dir
# and that mount is the fake root: its sys and dev link to the real ones and its
# proc/self/mountinfo says / is the loop partition. The real growpart, resize2fs and xfs_growfs
# run. Needs root, loop devices, sfdisk, growpart and mkfs; skips with the reason otherwise.
# teardown always unmounts, detaches and removes what the test made.

load test_helper

HELPER="${BATS_TEST_DIRNAME}/../../shell/gce-disk-expand/expand-root"
readonly MIB_SECTORS=2048

setup() {
  ((EUID == 0)) || skip 'needs root for loop devices and mount'
  [[ -e /dev/loop-control ]] || skip 'no loop device support (/dev/loop-control missing)'
  losetup -f >/dev/null 2>&1 || skip 'no free loop device'
  local tool
  for tool in losetup sfdisk growpart partx mount; do
    command -v "${tool}" >/dev/null || skip "needs ${tool} (growpart: cloud-guest-utils or cloud-utils-growpart; sfdisk: fdisk)"
  done
  IMAGE="${BATS_TEST_TMPDIR}/disk.img"
  MOUNT_POINT="${BATS_TEST_TMPDIR}/mnt"
  LOOP=''
  # Only the logger stub: growpart, blkid and the resize tools are the real ones.
  local bin="${BATS_TEST_TMPDIR}/bin"
  mkdir -p "${bin}" "${MOUNT_POINT}"
  ln -s "${BATS_TEST_DIRNAME}/stubs/logger" "${bin}/logger"
  STUB_LOG="${BATS_TEST_TMPDIR}/stub.log"
  export STUB_LOG PATH="${bin}:${PATH}"
  unset JOURNAL_STREAM
}

teardown() {
  if mountpoint -q "${MOUNT_POINT:-/nonexistent}"; then umount "${MOUNT_POINT}"; fi
  if [[ -n "${LOOP:-}" ]]; then losetup -d "${LOOP}"; fi
  rm -f "${IMAGE:-/nonexistent}"
}

# Writes a partition table to a small image, enlarges the image as a disk resize would,
# attaches it with partition scanning and waits for the partition nodes.
# Globals: LOOP (set)
# Arguments: sfdisk script, image MiB before and after enlarging, number of partitions
attach_image() {
  truncate -s "$2M" "${IMAGE}"
  printf '%b' "$1" | sfdisk -q "${IMAGE}"
  truncate -s "$3M" "${IMAGE}"
  LOOP="$(losetup -f --show -P "${IMAGE}")"
  # Partition scanning can lag or miss without udev; ask again and wait for the nodes.
  local tries=50
  while [[ ! -b "${LOOP}p$4" ]] && ((tries-- > 0)); do
    partx -a "${LOOP}" 2>/dev/null || true
    sleep 0.1
  done
  [[ -b "${LOOP}p$4" ]] || fail "partition node ${LOOP}p$4 did not appear"
}

# Makes a filesystem on a partition of LOOP and mounts it as the fake root: sys and dev link to
# the real ones, proc/self/mountinfo names the partition as /.
# Globals: PART (set), GCE_DISK_EXPAND_FAKEROOT (exported)
# Arguments: partition number, mkfs command, filesystem type
mount_root() {
  PART="${LOOP}p$1"
  $2 "${PART}" >/dev/null
  mount "${PART}" "${MOUNT_POINT}"
  mkdir -p "${MOUNT_POINT}/proc/self"
  ln -s /sys "${MOUNT_POINT}/sys"
  ln -s /dev "${MOUNT_POINT}/dev"
  printf '1 0 %s / / rw,relatime - %s %s rw\n' "$(<"/sys/class/block/${PART##*/}/dev")" "$3" \
    "${PART}" >"${MOUNT_POINT}/proc/self/mountinfo"
  export GCE_DISK_EXPAND_FAKEROOT="${MOUNT_POINT}"
}

# One root partition of the given MiB on an image enlarged to the given MiB.
# Arguments: partition MiB, image MiB after enlarging, mkfs command, filesystem type
make_root_disk() {
  attach_image "label: dos\nstart=${MIB_SECTORS}, size=$(($1 * MIB_SECTORS)), type=83\n" \
    $(($1 + 2)) "$2" 1
  mount_root 1 "$3" "$4"
}

# Prints the size of the loop partition in MiB, as the kernel sees it.
partition_mib() {
  echo $(($(<"/sys/class/block/${PART##*/}/size") / MIB_SECTORS))
}

# Prints the size of the mounted filesystem in MiB.
filesystem_mib() {
  local blocks size
  read -r blocks size < <(stat -f -c '%b %S' "${MOUNT_POINT}")
  echo $((blocks * size / 1048576))
}

# Skips unless the process may resize a mounted ext4 filesystem (the kernel wants
# CAP_SYS_RESOURCE, which some containers drop even for root).
require_online_ext4_resize() {
  local caps
  caps="$(awk '/^CapEff:/ {print $2}' /proc/self/status)"
  (((0x${caps} >> 24) & 1)) || skip 'online ext4 resize needs CAP_SYS_RESOURCE, which this process lacks'
}

@test "ext4 root on the last partition: partition and filesystem grow to the enlarged disk" {
  command -v mkfs.ext4 >/dev/null || skip 'needs mkfs.ext4 (e2fsprogs)'
  require_online_ext4_resize
  make_root_disk 64 1600 'mkfs.ext4 -q -F -b 4096' ext4
  assert_equal "$(partition_mib)" 64
  run "${HELPER}" partition
  assert_success
  assert_line --partial 'INFO applied grow-partition device=/dev/'
  (($(partition_mib) >= 1598)) || fail "partition is $(partition_mib) MiB after growing"
  run "${HELPER}" filesystem
  assert_success
  assert_line --partial 'INFO applied grow-filesystem fs=ext4'
  (($(filesystem_mib) > 1400)) || fail "filesystem is $(filesystem_mib) MiB after growing"
  # Every boot runs both steps again: now there is nothing to do.
  run "${HELPER}" partition
  assert_success
  assert_line --partial 'MiB unallocated after'
  run "${HELPER}" filesystem
  assert_success
  assert_line --partial 'already fills'
}

@test "ext4 on the last partition, unmounted: real growpart and resize2fs grow both" {
  command -v mkfs.ext4 >/dev/null || skip 'needs mkfs.ext4 (e2fsprogs)'
  command -v dumpe2fs >/dev/null || skip 'needs dumpe2fs (e2fsprogs)'
  attach_image "label: dos\nstart=2048, size=131072, type=83\n" 66 1600 1
  PART="${LOOP}p1"
  mkfs.ext4 -q -F -b 4096 "${PART}" >/dev/null
  # The fake root is a plain directory here: resize2fs works offline on the unmounted partition.
  local root="${BATS_TEST_TMPDIR}/root"
  mkdir -p "${root}/proc/self"
  ln -s /sys "${root}/sys"
  ln -s /dev "${root}/dev"
  printf '1 0 %s / / rw - ext4 %s rw\n' "$(<"/sys/class/block/${PART##*/}/dev")" "${PART}" \
    >"${root}/proc/self/mountinfo"
  export GCE_DISK_EXPAND_FAKEROOT="${root}"
  run "${HELPER}" partition
  assert_success
  (($(partition_mib) >= 1598)) || fail "partition is $(partition_mib) MiB after growing"
  e2fsck -f -p "${PART}" >/dev/null # an offline resize2fs insists on a fresh check
  run "${HELPER}" filesystem
  assert_success
  local blocks
  blocks="$(dumpe2fs -h "${PART}" 2>/dev/null | awk -F: '/^Block count/ {print $2 + 0}')"
  ((blocks * 4096 / 1048576 >= 1598)) || fail "filesystem has ${blocks} blocks after growing"
}

@test "XFS root on the last partition: partition and filesystem grow to the enlarged disk" {
  command -v mkfs.xfs >/dev/null || skip 'needs mkfs.xfs (xfsprogs)'
  command -v xfs_growfs >/dev/null || skip 'needs xfs_growfs (xfsprogs)'
  # 320 MiB: current mkfs.xfs refuses filesystems under 300 MiB.
  make_root_disk 320 1600 'mkfs.xfs -q -f' xfs
  run "${HELPER}" partition
  assert_success
  (($(partition_mib) >= 1598)) || fail "partition is $(partition_mib) MiB after growing"
  run "${HELPER}" filesystem
  assert_success
  assert_line --partial 'INFO applied grow-filesystem fs=xfs'
  (($(filesystem_mib) > 1400)) || fail "filesystem is $(filesystem_mib) MiB after growing"
}

@test "a partition followed by another one is left alone on the real disk" {
  command -v mkfs.ext4 >/dev/null || skip 'needs mkfs.ext4 (e2fsprogs)'
  attach_image 'label: dos\nstart=2048, size=131072, type=83\nstart=133120, size=131072, type=83\n' \
    130 1600 2
  mount_root 1 'mkfs.ext4 -q -F -b 4096' ext4
  run "${HELPER}" partition
  assert_success
  assert_line --partial "is not the last one on ${LOOP##*/}"
  assert_equal "$(partition_mib)" 64
}
