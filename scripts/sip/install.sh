#!/usr/bin/env bash
# Installs the SIP test stack (issue 15) from Debian 12's own packages when it is missing: Kamailio with
# WebSocket/TLS/auth_ephemeral, rtpengine (userspace, no kernel module), baresip (headless virtual phones) and
# SIPp. Nothing is started by the packages: a policy-rc.d that refuses every start is in place during the
# install (and removed afterwards when it was ours), so the only instances are the ones scripts/sip/stack.ts
# starts on free loopback ports. Needs root, as on the project's machines. Pass --check to only report.
set -euo pipefail
PACKAGES=(kamailio kamailio-websocket-modules kamailio-tls-modules kamailio-autheph-modules
  kamailio-utils-modules kamailio-json-modules rtpengine-daemon baresip-core sip-tester)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then exit 0; fi
if [ "${1:-}" = "--check" ]; then
  echo "SIP stack missing: ${missing[*]}"
  exit 1
fi
echo "Installing the SIP test stack: ${missing[*]}…"
policy=/usr/sbin/policy-rc.d
ours=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# notify-phone scripts/sip/install.sh: no service starts during the install\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  ours=1
fi
cleanup() { if [ "$ours" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
