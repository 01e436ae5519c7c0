#!/usr/bin/env bash
#
# Sourced by the chroot runners of the packaging tests (netns-chroot-daemon.sh,
# repo-netns-apt.sh): the steps every one of them takes first inside its private network and
# mount namespace. Defines functions only.

#######################################
# Refuses the host's network namespace, brings up loopback and mounts /proc in the root (the
# mount lives only in the private mount namespace).
# Arguments:
#   The Debian root directory.
# Outputs:
#   A refusal on stderr through the caller's err().
# Returns:
#   2 in the initial network namespace, 1 when a step failed, 0 otherwise.
#######################################
enter_private_root() {
  if [[ "$(readlink /proc/self/ns/net)" == "$(readlink /proc/1/ns/net)" ]]; then
    err 'refusing to run in the initial network namespace'
    return 2
  fi
  ip link set lo up || return 1
  mount -t proc proc "$1/proc" || return 1
}
