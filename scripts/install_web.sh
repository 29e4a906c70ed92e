#!/usr/bin/env bash
# Install the web chat page's front-end packages (package.json / package-lock.json)
# into node_modules with `npm ci`. The Rasa server serves the socket.io client from
# node_modules/socket.io-client/dist/ at /chat/vendor/ (adapters/web/channel.py).
# Idempotent: does nothing when node_modules was installed from the same lock file.
# Without npm it warns and exits 0 (the bot still runs; only the /chat page lacks
# its socket.io client); with CI=true or REQUIRE_WEB=1 that is an error.
set -euo pipefail
cd "$(dirname "$0")/.."

STAMP=node_modules/.install-stamp
BUNDLE=node_modules/socket.io-client/dist/socket.io.min.js
want=$(cat package.json package-lock.json | sha256sum | cut -c1-16)

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" && -f "$BUNDLE" ]]; then
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  msg="install_web: npm not found; the /chat page needs it once (install Node.js 18+ with npm, then run scripts/install_web.sh)"
  if [[ "${REQUIRE_WEB:-}" == 1 || "${CI:-}" == true ]]; then echo "$msg" >&2; exit 1; fi
  echo "$msg (continuing without the web chat page)" >&2
  exit 0
fi

echo "install_web: npm ci (front-end packages for the /chat page)"
# --ignore-scripts: no package needs an install script; don't run any.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error </dev/null
[[ -f "$BUNDLE" ]] || { echo "install_web: $BUNDLE missing after npm ci" >&2; exit 1; }
echo "$want" > "$STAMP"
