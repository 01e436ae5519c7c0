#!/bin/sh
# shellcheck shell=sh
#
# dhclient hook (EL7), installed executable as /etc/dhcp/dhclient.d/google_hostname.sh.
# dhclient-script sources it and calls google_hostname_config after BOUND, RENEW, REBIND and
# REBOOT, google_hostname_restore after the lease goes away.
#
# It only hands the lease to /usr/bin/google_set_hostname, which holds the logic (behaviour
# spec §10.5). Being sourced, it must never exit, and defines only the two functions the
# dhclient.d protocol asks for. GOOGLE_SET_HOSTNAME_BIN replaces the executable's path in tests.

# Passes the lease to google_set_hostname (the name is set from the DHCP host name option).
google_hostname_config() {
  if [ -x "${GOOGLE_SET_HOSTNAME_BIN:-/usr/bin/google_set_hostname}" ]; then
    reason="${reason:-}" new_host_name="${new_host_name:-}" new_ip_address="${new_ip_address:-}" \
      "${GOOGLE_SET_HOSTNAME_BIN:-/usr/bin/google_set_hostname}" || :
  fi
}

# Nothing to undo: the host name and the /etc/hosts lines stay until the next lease.
google_hostname_restore() {
  :
}
