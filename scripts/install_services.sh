#!/usr/bin/env bash
# Install the servers the persistence tests start for themselves: PostgreSQL
# (initdb, pg_ctl) and redis-server, from Debian's packages. The tests run their
# own throw-away cluster and Redis on free ports; nothing is started here, and
# the packages' own services are left as the package set them up.
# Idempotent: returns at once when both are present. Non-interactive (CI=true,
# no stdin); needs root or passwordless sudo the first time.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }
have_initdb() { compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || have initdb; }

missing=()
have_initdb || missing+=(postgresql)
have redis-server || missing+=(redis-server)
[[ ${#missing[@]} -eq 0 ]] && exit 0

if ! have apt-get; then
  echo "install_services: ${missing[*]} missing and apt-get is not available; install them and put initdb/redis-server on PATH." >&2
  exit 1
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if have sudo && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    echo "install_services: run as root (or with passwordless sudo): apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "install_services: installing ${missing[*]} with apt-get"
install() { "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null >/dev/null; }
# Refresh the package lists only when the install fails with the current ones.
if ! install; then
  "${SUDO[@]}" apt-get update -q </dev/null >/dev/null
  install
fi
have_initdb && have redis-server || { echo "install_services: install finished but initdb/redis-server not found" >&2; exit 1; }
