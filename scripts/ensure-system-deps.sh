#!/usr/bin/env bash
# Installs the system packages the tests need when they are missing: Debian's Chromium for the browser
# tests (never a browser downloaded by a test tool). Needs root, as on the project's machines.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
# The SIP vendor's test stack (Kamailio, rtpengine, baresip, SIPp), from Debian's packages.
bash "$(dirname "$0")/sip/install.sh"
