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

# A static file server like `python3 -m http.server` that ignores If-Modified-Since: the tests
# publish several versions of one repository within a second or two, and Last-Modified has
# whole-second resolution, so a conditional request could be answered 304 with the previous
# version's index ("Hit") and apt would never see the new one.
readonly SERVER_PY='
import functools, http.server, sys
class Handler(http.server.SimpleHTTPRequestHandler):
    def send_head(self):
        del self.headers["If-Modified-Since"]
        return super().send_head()
handler = functools.partial(Handler, directory=sys.argv[2])
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), handler).serve_forever()
'

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
  python3 -c "${SERVER_PY}" "${port}" "${serve}" >"${work}/http.log" 2>&1 &
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
