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

bash "$(dirname "$0")/apt_install.sh" install_services "${missing[@]}"
have_initdb && have redis-server || { echo "install_services: install finished but initdb/redis-server not found" >&2; exit 1; }
