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

bash "$(dirname "$0")/apt_install.sh" install_browser chromium chromium-driver fonts-dejavu-core
have chromium && have chromedriver || { echo "install_browser: install finished but chromium/chromedriver not on PATH" >&2; exit 1; }
echo "install_browser: $(chromium --version 2>/dev/null || true)"
