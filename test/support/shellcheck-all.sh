#!/usr/bin/env bash
# Runs ShellCheck over every shell file; /bin/sh files are checked as POSIX sh, .bats as bats.
set -euo pipefail
cd "$(dirname "$0")/../.."
status=0
while read -r f; do
  args=(-x)
  case "$f" in
    *.bats) args+=(-s bats) ;;
    *) if head -n1 "$f" | grep -qE '^#!\s*/bin/sh'; then args+=(-s sh); fi ;;
  esac
  shellcheck "${args[@]}" "$f" || status=1
done < <(test/support/shell-files.sh)
exit "$status"
