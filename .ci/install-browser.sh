#!/usr/bin/env bash
# Install what the browser tests (tests/test_browser_*.py) need: Debian's chromium and chromium-driver.
# Idempotent and quiet: does nothing when /usr/bin/chromium is already there. Needs root (CI runs as root)
# or passwordless sudo; without either it says so and exits 0, and the browser tests skip with a reason.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: no apt-get here; browser tests will be skipped" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "install-browser: not root and no passwordless sudo; browser tests will be skipped" >&2
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq >/dev/null && \
       $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; }; then
  echo "install-browser: apt-get could not install chromium; browser tests will be skipped" >&2
  exit 0
fi
command -v chromium >/dev/null 2>&1 && echo "install-browser: $(chromium --version 2>/dev/null || echo chromium installed)"
