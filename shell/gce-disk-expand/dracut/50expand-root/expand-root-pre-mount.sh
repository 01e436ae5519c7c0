#!/bin/sh
#
# dracut pre-mount hook of the expand-root module (EL6): grows the root partition while / is not
# mounted yet. dracut has resolved root= into ${root} ("block:/dev/…"); the filesystem is grown
# later by the expand-root SysV script. Sourced by dracut's init: it must not exit, leaves no
# names behind, and a failure (logged by expand-root) never stops the boot.

case "${root:-}" in
  block:/dev/*) expand-root partition --device "${root#block:}" || : ;;
  /dev/*) expand-root partition --device "${root}" || : ;;
esac
