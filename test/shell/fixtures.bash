# shellcheck shell=bash
#
# Builders of fake /sys and /proc trees for the helper tests, shaped like a Compute Engine VM's
# (paths and file formats as the kernel presents them). Counts vary per test (1 to 96 CPUs, 0 to
# 8 NVMe local SSDs, 1 to 16 queues), so these trees are generated; fixed trees (/etc, mountinfo)
# live in test/fixtures/roots. Every builder writes only under the root it is given.

#######################################
# Writes a file, creating its directory.
# Arguments: path, content
#######################################
fx_write() {
  [[ -d "${1%/*}" ]] || mkdir -p "${1%/*}"
  printf '%s\n' "$2" >"$1"
}

#######################################
# Prints the kernel's list form of CPUs 0..n-1 ("0" or "0-15").
# Arguments: CPU count
#######################################
fx_cpu_list() {
  if (($1 == 1)); then echo 0; else echo "0-$(($1 - 1))"; fi
}

#######################################
# Declares n online CPUs.
# Arguments: root, CPU count
#######################################
fx_cpus() {
  fx_write "$1/sys/devices/system/cpu/online" "$(fx_cpu_list "$2")"
}

#######################################
# Creates /proc/irq/<n> with the kernel's default affinity (all CPUs) and named action entries.
# Arguments: root, irq number, CPU count, action names (directories, as procfs shows them)
#######################################
fx_irq() {
  local dir="$1/proc/irq/$2" cpus="$3" action
  shift 3
  local -a dirs=("${dir}")
  for action in "$@"; do dirs+=("${dir}/${action}"); done
  mkdir -p "${dirs[@]}"
  if ((cpus == 1)); then echo 0; else echo "0-$((cpus - 1))"; fi >"${dir}/smp_affinity_list"
}

#######################################
# Creates a block device queue directory with a kernel's defaults for a disk.
# Arguments: block device directory, scheduler line (e.g. "[mq-deadline] none")
#######################################
fx_queue() {
  fx_write "$1/queue/scheduler" "$2"
  fx_write "$1/queue/add_random" 1
  fx_write "$1/queue/nr_requests" 256
  fx_write "$1/queue/rotational" 1
  fx_write "$1/queue/rq_affinity" 1
  fx_write "$1/queue/nomerges" 0
}

#######################################
# Adds NVMe controller nvme<i> (PCI function, driver link, namespace nvme<i>n1, MSI IRQs).
# Arguments: root, index, model ("nvme_card" local SSD, "nvme_card-pd" persistent disk),
#   first IRQ, IRQ count, CPU count, scheduler line
#######################################
fx_nvme() {
  local root="$1" i="$2" model="$3" first_irq="$4" irqs="$5" cpus="$6" scheduler="$7" irq
  local pci
  pci="0000:00:$(printf '%02x' $((4 + i))).0"
  local func="${root}/sys/devices/pci0000:00/${pci}"
  fx_write "${func}/nvme/nvme${i}/model" "${model}"
  mkdir -p "${func}/msi_irqs" "${root}/sys/bus/pci/drivers/nvme" "${root}/sys/block/nvme${i}n1"
  ln -s "../../../../devices/pci0000:00/${pci}" "${root}/sys/bus/pci/drivers/nvme/${pci}"
  ln -s "../../devices/pci0000:00/${pci}/nvme/nvme${i}" "${root}/sys/block/nvme${i}n1/device"
  fx_queue "${root}/sys/block/nvme${i}n1" "${scheduler}"
  for ((irq = first_irq; irq < first_irq + irqs; irq++)); do
    : >"${func}/msi_irqs/${irq}"
    fx_irq "${root}" "${irq}" "${cpus}" "nvme${i}q$((irq - first_irq))"
  done
}

#######################################
# Adds a virtio-scsi disk sd<x> behind controller virtio<v> (model, queue, device link).
# Arguments: root, disk name, model, virtio index, SCSI target, scheduler line
#######################################
fx_scsi_disk() {
  local root="$1" name="$2" model="$3" virtio="$4" target="$5" scheduler="$6"
  local dev="devices/pci0000:00/0000:00:03.0/virtio${virtio}/host0/target0:0:${target}"
  dev+="/0:0:${target}:0"
  fx_write "${root}/sys/${dev}/model" "${model}"
  mkdir -p "${root}/sys/block/${name}"
  ln -s "../../${dev}" "${root}/sys/block/${name}/device"
  fx_queue "${root}/sys/block/${name}" "${scheduler}"
}

#######################################
# Adds a virtio-net interface: driver binding, tx/rx queues and its IRQs.
# Arguments: root, virtio index, interface, queue count, "msix" or "intx", first IRQ, CPU count
#######################################
fx_virtio_net() {
  local root="$1" v="$2" iface="$3" queues="$4" mode="$5" irq="$6" cpus="$7" q
  mkdir -p "${root}/sys/bus/virtio/drivers/virtio_net/virtio${v}/net/${iface}"
  for ((q = 0; q < queues; q++)); do
    fx_write "${root}/sys/class/net/${iface}/queues/tx-${q}/xps_cpus" 0
    mkdir -p "${root}/sys/class/net/${iface}/queues/rx-${q}"
  done
  if [[ "${mode}" == intx ]]; then
    fx_irq "${root}" "${irq}" "${cpus}" "virtio${v}"
    return
  fi
  fx_irq "${root}" "${irq}" "${cpus}" "virtio${v}-config"
  for ((q = 0; q < queues; q++)); do
    fx_irq "${root}" $((irq + 1 + 2 * q)) "${cpus}" "virtio${v}-input.${q}"
    fx_irq "${root}" $((irq + 2 + 2 * q)) "${cpus}" "virtio${v}-output.${q}"
  done
}

#######################################
# Prints "ethtool -l" output for a device with the given maximum and current combined channels.
# Arguments: interface, maximum, current
#######################################
fx_ethtool_l() {
  printf 'Channel parameters for %s:\nPre-set maximums:\nRX:\t\t0\nTX:\t\t0\nOther:\t\t0\n' "$1"
  printf 'Combined:\t%s\nCurrent hardware settings:\nRX:\t\t0\nTX:\t\t0\nOther:\t\t0\n' "$2"
  printf 'Combined:\t%s\n' "$3"
}

#######################################
# Adds a whole disk to the fake sysfs and /dev.
# Arguments: root, disk name, size in 512-byte sectors
#######################################
fx_disk() {
  local root="$1" disk="$2"
  fx_write "${root}/sys/block/${disk}/size" "$3"
  mkdir -p "${root}/sys/class/block" "${root}/dev"
  ln -s "../../block/${disk}" "${root}/sys/class/block/${disk}"
  : >"${root}/dev/${disk}"
}

#######################################
# Adds a partition of a disk (sysfs attributes, class and dev links, /dev node stand-in).
# Arguments: root, disk, partition name, number, start sector, size in sectors, major:minor
#######################################
fx_partition() {
  local root="$1" disk="$2" part="$3"
  local dir="${root}/sys/block/${disk}/${part}"
  fx_write "${dir}/partition" "$4"
  fx_write "${dir}/start" "$5"
  fx_write "${dir}/size" "$6"
  fx_write "${dir}/dev" "$7"
  mkdir -p "${root}/sys/dev/block"
  ln -s "../../block/${disk}/${part}" "${root}/sys/class/block/${part}"
  ln -s "../../block/${disk}/${part}" "${root}/sys/dev/block/$7"
  : >"${root}/dev/${part}"
}

#######################################
# Writes proc/self/mountinfo with "/" mounted from a device.
# Arguments: root, major:minor, filesystem type, source device
#######################################
fx_mountinfo_root() {
  fx_write "$1/proc/self/mountinfo" "$(printf '%s\n' \
    "22 28 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw" \
    "28 1 $2 / / rw,relatime shared:1 - $3 $4 rw" \
    "23 28 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw")"
}
