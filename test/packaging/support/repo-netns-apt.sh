#!/usr/bin/env bash
#
# Serves a repository directory over HTTP on 127.0.0.1 and runs a shell snippet as root inside
# a Debian root (chroot), both in a private network and mount namespace: the only network the
# chroot sees is that loopback server, and /proc is mounted only in the private namespace. Must
# be started through `unshare --net --mount --fork`; it refuses to run in the host's network
# namespace. The snippet runs with /root as its working directory and stdin closed, so a
# prompt fails instead of waiting.
#
# Usage: repo-netns-apt.sh ROOT SERVE_DIR PORT SNIPPET
# Outputs: the snippet's output (then the server's log on stderr when the snippet failed);
#   exit status is the snippet's.

set -u
set -o pipefail

# shellcheck source=test/packaging/support/private-ns.bash
source "$(dirname "${BASH_SOURCE[0]}")/private-ns.bash"

#######################################
# Prints an error line to stderr.
#######################################
err() {
  echo "repo-netns-apt: $*" >&2
}

#######################################
# Waits until something accepts TCP connections on 127.0.0.1:$1 (10 s at most).
#######################################
wait_port() {
  local _
  for _ in $(seq 100); do
    if (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

main() {
  local root="$1" serve="$2" port="$3" snippet="$4" work server status
  enter_private_root "${root}" || return
  work="$(mktemp -d)"
  python3 -m http.server "${port}" --bind 127.0.0.1 --directory "${serve}" \
    >"${work}/http.log" 2>&1 &
  server=$!
  if ! wait_port "${port}"; then
    err "the HTTP server did not start: $(cat "${work}/http.log")"
    kill "${server}" 2>/dev/null
    rm -rf "${work}"
    return 1
  fi
  chroot "${root}" env -i HOME=/root LANG=C DEBIAN_FRONTEND=noninteractive \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    sh -c "cd /root && ${snippet}" </dev/null 2>&1
  status=$?
  kill "${server}" 2>/dev/null
  wait "${server}" 2>/dev/null
  if (( status != 0 )); then
    echo '--- HTTP server log ---' >&2
    cat "${work}/http.log" >&2
  fi
  rm -rf "${work}"
  return "${status}"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
