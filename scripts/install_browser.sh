#!/usr/bin/env bash
# Install the browser the web-chat tests drive: Debian's chromium and its
# matching chromedriver (chromium-driver), plus a font for readable screenshots.
# Never a tool's own browser download.
# Idempotent: returns at once when both are present. Non-interactive (CI=true,
# no stdin); needs root or passwordless sudo the first time.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }

if have chromium && have chromedriver; then
  exit 0
fi

if ! have apt-get; then
  echo "install_browser: chromium and chromedriver are missing and apt-get is not available." >&2
  echo "  Install Chromium and a matching chromedriver, and put both on PATH." >&2
  exit 1
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if have sudo && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    echo "install_browser: run as root (or with passwordless sudo): apt-get install chromium chromium-driver" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "install_browser: installing chromium and chromium-driver with apt-get"
# Refresh the package lists only when the install fails with the current ones.
if ! "${SUDO[@]}" apt-get install -y -q --no-install-recommends chromium chromium-driver fonts-dejavu-core </dev/null; then
  "${SUDO[@]}" apt-get update -q </dev/null
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends chromium chromium-driver fonts-dejavu-core </dev/null
fi
have chromium && have chromedriver || { echo "install_browser: install finished but chromium/chromedriver not on PATH" >&2; exit 1; }
echo "install_browser: $(chromium --version 2>/dev/null || true)"
