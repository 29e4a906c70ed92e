#!/usr/bin/env bash
# rasa shell with the action server running in the background; both stop together.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .data
SANIC_HOST=127.0.0.1 .venv/bin/rasa run actions --actions actions --port "${ACTIONS_PORT:-5055}" >/dev/null 2>&1 &
actions_pid=$!
trap 'kill -TERM $actions_pid 2>/dev/null || true; wait $actions_pid 2>/dev/null || true' EXIT
.venv/bin/python -m adapters.server shell -m models/knee.tar.gz --endpoints endpoints.yml "$@"
