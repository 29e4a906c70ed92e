#!/usr/bin/env bash
# Start the action server (5055) and the Rasa server (5005, REST + socket.io +
# HTTP API), wait until both answer, print where to chat, and stop both cleanly
# on Ctrl-C or TERM (no orphan processes).
#   RASA_HOST (default 127.0.0.1)  interface to bind
#   RASA_PORT (default 5005), ACTIONS_PORT (default 5055)
#   RASA_AUTH_TOKEN                the HTTP API's token (default: a random one kept
#                                  in .data/api_token); needed with a public RASA_HOST
#   KNEE_STORE (default sqlite)    sqlite: endpoints.yml, conversations in .data/tracker.db
#                                  postgres: deploy/endpoints.postgres.yml, PostgreSQL
#                                  tracker store + Redis lock store (DB_*, REDIS_*;
#                                  defaults in deploy/store.env; docs/deploy.md)
# adapters/preflight.py checks the stores and the API binding first: one clear line
# and a non-zero exit instead of Rasa retrying an unreachable database forever.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=${RASA_HOST:-127.0.0.1}
PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
MODEL=${RASA_MODEL:-models/knee.tar.gz}
mkdir -p .data
# Effective channels: credentials.yml plus each messaging platform whose
# environment variables are all set (adapters/channels/platforms.yml).
.venv/bin/python -m adapters.channels.credentials .data/credentials.yml
# The action server's address follows ACTIONS_PORT.
export ACTIONS_URL="http://127.0.0.1:$ACTIONS_PORT/webhook"
case "${KNEE_STORE:-sqlite}" in
  sqlite) endpoints=endpoints.yml ;;
  postgres)
    endpoints=deploy/endpoints.postgres.yml
    # Rasa fills in the file's ${VAR}s and stops on an unset one: defaults for those not set.
    while IFS='=' read -r name value; do
      if [[ $name =~ ^[A-Z_]+$ && -z ${!name+set} ]]; then export "$name=$value"; fi
    done < deploy/store.env ;;
  *) echo "run: KNEE_STORE must be sqlite or postgres, not '$KNEE_STORE'" >&2; exit 2 ;;
esac
# .data/endpoints.yml is what this server uses; make forget / make export read it too.
sed "s#http://127.0.0.1:5055/webhook#$ACTIONS_URL#" "$endpoints" > .data/endpoints.yml
.venv/bin/python -m adapters.preflight --endpoints .data/endpoints.yml --host "$HOST"

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

SANIC_HOST=${ACTIONS_HOST:-127.0.0.1} .venv/bin/rasa run actions --actions actions --port "$ACTIONS_PORT" &
pids+=($!)
names=("the action server (port $ACTIONS_PORT)")

# The HTTP API (conversations, model, status) always needs a token. Without
# RASA_AUTH_TOKEN a random one is made once and kept in .data/api_token (0600),
# so that nobody else on this machine can read conversations or unload the model.
token_note="token in .data/api_token"
if [[ -z "${RASA_AUTH_TOKEN:-}" ]]; then
  if [[ ! -s .data/api_token ]]; then
    (umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))' > .data/api_token)
  fi
  RASA_AUTH_TOKEN=$(cat .data/api_token)
else
  token_note="token from RASA_AUTH_TOKEN"
fi
# "--auth-token=TOKEN", one word: a token may begin with "-" (token_urlsafe does, one
# time in 64), and argparse would read "--auth-token -x..." as a missing value.
api_args=(--enable-api "--auth-token=$RASA_AUTH_TOKEN")
# RASA_CORS: one or more allowed origins, separated by spaces or commas.
read -r -a cors <<< "${RASA_CORS:-http://localhost:$PORT}"
cors=(${cors[@]//,/ })
.venv/bin/python -m adapters.server run -m "$MODEL" -i "$HOST" -p "$PORT" "${api_args[@]}" \
  --credentials .data/credentials.yml --endpoints .data/endpoints.yml \
  --cors "${cors[@]}" &
pids+=($!)
names+=("the Rasa server (port $PORT)")

for _ in $(seq 1 180); do
  if curl -fsS "http://127.0.0.1:$PORT/" >/dev/null 2>&1; then
    cat <<MSG

  The knee-or-back assistant is running.
    Web chat: http://$HOST:$PORT/chat
    REST:     curl -s -XPOST http://$HOST:$PORT/webhooks/rest/webhook -d '{"sender":"me","message":"hello"}'
    socket.io: http://$HOST:$PORT/socket.io
    HTTP API: http://$HOST:$PORT/status?token=... ($token_note)
  Press Ctrl-C to stop.

MSG
    break
  fi
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      status=0; wait "${pids[$i]}" || status=$?
      echo "run: ${names[$i]} exited with status $status during start-up (its output is above)" >&2
      exit 1
    fi
  done
  sleep 1
done
wait -n "${pids[@]}"
