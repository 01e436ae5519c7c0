#!/usr/bin/env bash
# Lists every shell file of the repository (by path or shebang), one per line, for shellcheck.
set -euo pipefail
cd "$(dirname "$0")/../.."
git ls-files --cached --others --exclude-standard -- shell init/sysvinit nfpm .ci test/shell test/support test/packaging ts/bin bench 2>/dev/null |
  while read -r f; do
    [[ -f "$f" ]] || continue
    case "$f" in
      *.sh|*.bash|*.bats|*.sh.in) echo "$f"; continue ;;
    esac
    if head -c 64 "$f" | grep -qE '^#!.*(ba)?sh'; then echo "$f"; fi
  done
