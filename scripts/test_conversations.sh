#!/usr/bin/env bash
# Conversation tests: tests/test_*.yml (real user text) through the trained model
# and a real action server on a spare port, with --fail-on-prediction-errors.
set -euo pipefail
cd "$(dirname "$0")/.."
# A free port unless given: a fixed one could be another server's, whose /health
# would then pass for ours.
PORT=${TEST_ACTIONS_PORT:-$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
tmp=$(mktemp -d)
cat > "$tmp/endpoints.yml" <<YML
version: "3.1"
action_endpoint:
  url: "http://127.0.0.1:$PORT/webhook"
YML
SANIC_HOST=127.0.0.1 .venv/bin/rasa run actions --actions actions --port "$PORT" >"$tmp/actions.log" 2>&1 &
actions_pid=$!
# Clean-up never decides the exit status (set -e also applies inside the trap).
trap 'kill -TERM $actions_pid 2>/dev/null || true; wait $actions_pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  kill -0 $actions_pid 2>/dev/null || { cat "$tmp/actions.log"; exit 1; }
  sleep 0.5
done
rm -rf results/conversations
if ! .venv/bin/python -m adapters.server test core -m models/knee.tar.gz --stories tests/ --endpoints "$tmp/endpoints.yml" \
      --fail-on-prediction-errors --out results/conversations; then
  echo "conversation tests FAILED; failed stories:" >&2
  cat results/conversations/failed_test_stories.yml >&2 2>/dev/null || true
  exit 1
fi
echo "conversation tests passed: $(grep -c '^  - story:' tests/test_*.yml | awk -F: '{s+=$2} END {print s}') stories"
