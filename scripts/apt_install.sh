#!/usr/bin/env bash
# scripts/apt_install.sh WHO PACKAGE...
# Install Debian packages for the test set-up (install_browser.sh,
# install_services.sh): non-interactive (CI=true, no stdin), as root or with
# passwordless sudo; the package lists are refreshed only when the install fails
# with the current ones. WHO names the caller in its messages.
set -euo pipefail
who=$1
shift

if ! command -v apt-get >/dev/null 2>&1; then
  echo "$who: $* missing and apt-get is not available; install them yourself." >&2
  exit 1
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    echo "$who: run as root (or with passwordless sudo): apt-get install $*" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "$who: installing $* with apt-get"
install() { "${SUDO[@]}" apt-get install -y -q --no-install-recommends "$@" </dev/null >/dev/null; }
if ! install "$@"; then
  "${SUDO[@]}" apt-get update -q </dev/null >/dev/null
  install "$@"
fi
