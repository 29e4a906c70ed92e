"""Security and privacy of a real running bot, configured as for production:
`rasa run --enable-api --auth-token ... --cors <one origin>`, the socket.io
channel requiring a JWT (SOCKETIO_JWT_KEY, through adapters/channels/credentials.py),
a request size limit from SANIC_REQUEST_MAX_SIZE, and the default log level.

- the HTTP API answers 401 without the token (or with a wrong one) and 200 with
  it, while the channel webhooks need no token;
- CORS: an allowed Origin gets Access-Control-Allow-Origin (once), another
  Origin none, on the HTTP API and on socket.io (which refuses it outright);
- socket.io: a connection without a valid HS256 token is refused, with one it works;
- at the default log level neither the Rasa server's log nor the action
  server's contains what the person wrote.
"""
from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import uuid
from types import SimpleNamespace
from typing import Optional

import jwt
import pytest

from adapters.channels.credentials import write_effective_credentials
from tests.hardening.harness import (
    LogWatch, TALLY, get, is_polite_reply, post, say, sio_exchange, webhook,
)
from tests.servers import free_port, require_model, start_action_server, start_rasa, stop

TOKEN = "test-api-token-" + uuid.uuid4().hex
JWT_KEY = "test-jwt-key-" + uuid.uuid4().hex + uuid.uuid4().hex  # 77 bytes: long enough for HS512 too
ALLOWED = "https://chat.example.org"
DISALLOWED = "https://evil.example.net"
REQUEST_MAX_SIZE = 300_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_model()
    workdir = tmp_path_factory.mktemp("secured")
    credentials = workdir / "credentials.yml"
    report = write_effective_credentials(credentials, environ={"SOCKETIO_JWT_KEY": JWT_KEY})
    assert report.socketio_jwt
    action_port, port = free_port(), free_port()
    actions = start_action_server(action_port, workdir / "actions.log")
    rasa = None
    try:
        rasa = start_rasa(
            port, workdir, f"http://127.0.0.1:{action_port}/webhook", credentials,
            extra_args=["--auth-token", TOKEN, "--cors", ALLOWED],
            env={"SOCKETIO_JWT_KEY": JWT_KEY, "SANIC_REQUEST_MAX_SIZE": str(REQUEST_MAX_SIZE),
                 "LOG_LEVEL": "INFO"},
        )
        yield SimpleNamespace(url=f"http://127.0.0.1:{port}", workdir=workdir, proc=rasa, actions=actions)
    finally:
        stop(rasa, actions)


def token(key: str = JWT_KEY, algorithm: str = "HS256", **claims) -> str:
    return jwt.encode({"sub": "someone", **claims}, key, algorithm=algorithm)


def sio(server, auth: Optional[dict] = None, headers: Optional[dict] = None, text: str = "my knee hurts"):
    session = f"sec-{uuid.uuid4().hex[:12]}"
    return asyncio.run(sio_exchange(server.url, [("user_uttered", [{"message": text, "session_id": session}])],
                                    session=session, auth=auth, headers=headers, timeout=60))


# ---------------------------------------------------------------- the HTTP API token
ADMIN_CALLS = [
    ("GET", "/status", None),
    ("GET", "/conversations/sec-someone/tracker", None),
    ("GET", "/conversations/sec-someone/story", None),
    ("POST", "/conversations/sec-someone/messages", {"text": "hi", "sender": "user"}),
    ("POST", "/conversations/sec-someone/trigger_intent", {"name": "greet"}),
    ("POST", "/model/parse", {"text": "my knee hurts"}),
    ("PUT", "/model", {"model_file": "models/knee.tar.gz"}),
    ("DELETE", "/model", None),
    ("GET", "/domain", None),
]


def call(server, method: str, path: str, body=None, query: str = ""):
    import urllib.error
    import urllib.request

    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{server.url}{path}{query}", data=data, method=method,
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.parametrize("method,path,body", ADMIN_CALLS, ids=[f"{m} {p}" for m, p, _ in ADMIN_CALLS])
@pytest.mark.parametrize("query", ["", "?token=wrong-token", "?token="], ids=["no token", "wrong token", "empty token"])
def test_http_api_refuses_without_the_token(server, method, path, body, query):
    status, raw = call(server, method, path, body, query)
    TALLY.record("http_api_without_token", status)
    assert status in (401, 403), (status, raw[:300])


def test_http_api_answers_with_the_token(server):
    query = f"?token={TOKEN}"
    status, raw = call(server, "GET", "/status", query=query)
    assert status == 200 and json.loads(raw)["model_file"], raw[:300]
    sender = f"sec-api-{uuid.uuid4().hex[:8]}"
    assert say(server.url, sender, "hello")[0] == 200
    status, raw = call(server, "GET", f"/conversations/{sender}/tracker", query=query)
    assert status == 200 and json.loads(raw)["sender_id"] == sender, raw[:300]
    status, raw = call(server, "POST", "/model/parse", {"text": "my knee hurts"}, query=query)
    assert status == 200 and json.loads(raw)["intent"]["name"], raw[:300]
    # Still loaded after everything the tests without a token tried (DELETE /model included).
    status, raw = call(server, "GET", "/status", query=query)
    assert status == 200 and json.loads(raw)["model_file"]


def test_channel_webhooks_need_no_token(server):
    sender = f"sec-rest-{uuid.uuid4().hex[:8]}"
    status, replies = say(server.url, sender, "my knee hurts")
    assert status == 200 and is_polite_reply(replies, sender, "my knee hurts"), replies
    assert get(f"{server.url}/webhooks/rest/")[0] == 200
    assert get(f"{server.url}/chat")[0] == 200
    assert sio(server, auth={"token": token()}).kind == "reply"


# ---------------------------------------------------------------- CORS
def _allow_origin(headers) -> list:
    return [v for k, v in headers if k.lower() == "access-control-allow-origin"]


def test_cors_on_the_http_api_follows_the_configured_origins(server):
    status, headers, _ = get(f"{server.url}/status?token={TOKEN}", {"Origin": ALLOWED})
    assert status == 200 and _allow_origin(headers) == [ALLOWED]
    status, headers, _ = get(f"{server.url}/status?token={TOKEN}", {"Origin": DISALLOWED})
    assert _allow_origin(headers) == [], headers


@pytest.mark.parametrize("origin,allowed", [(ALLOWED, True), (DISALLOWED, False), ("null", False)])
def test_cors_preflight_on_the_rest_webhook(server, origin, allowed):
    import urllib.request

    request = urllib.request.Request(webhook(server.url), method="OPTIONS", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    with urllib.request.urlopen(request, timeout=30) as response:
        headers = list(response.headers.items())
    assert _allow_origin(headers) == ([origin] if allowed else []), headers


def test_socketio_polling_handshake_follows_the_configured_origins(server):
    handshake = f"{server.url}/socket.io/?EIO=4&transport=polling"
    status, headers, body = get(handshake, {"Origin": ALLOWED})
    assert status == 200 and b'"sid"' in body, body[:200]
    assert _allow_origin(headers) == [ALLOWED], headers  # once: browsers refuse a repeated header
    status, headers, body = get(handshake, {"Origin": DISALLOWED})
    assert status == 400 and _allow_origin(headers) == [], (status, headers)
    assert b"not an accepted origin" in body
    # The page's own origin (the server itself) is always accepted.
    status, headers, body = get(handshake, {"Origin": server.url})
    assert status == 200 and b'"sid"' in body


def test_socketio_websocket_from_a_disallowed_origin_is_refused(server):
    refused = sio(server, auth={"token": token()}, headers={"Origin": DISALLOWED})
    assert refused.kind == "refused", refused
    allowed = sio(server, auth={"token": token()}, headers={"Origin": ALLOWED})
    assert allowed.kind == "reply", allowed


# ---------------------------------------------------------------- socket.io JWT
@pytest.mark.parametrize("auth", [
    None,
    {},
    {"token": ""},
    {"token": "not-a-jwt"},
    {"token": 12345},
    "a string",
], ids=["no auth", "empty auth", "empty token", "garbage token", "number", "string auth"])
def test_socketio_without_a_valid_token_is_refused(server, auth):
    outcome = sio(server, auth=auth)
    TALLY.record("socketio_jwt_bad", outcome.kind)
    assert outcome.kind == "refused" and not outcome.replies, outcome


@pytest.mark.parametrize("bad", ["wrong key", "expired", "alg none", "HS512 not HS256"])
def test_socketio_with_a_forged_or_stale_token_is_refused(server, bad):
    log = LogWatch(server.workdir / "rasa.log").mark()
    value = {
        "wrong key": lambda: token(key="some-other-key-of-the-same-length-" + uuid.uuid4().hex),
        "expired": lambda: token(exp=int(time.time()) - 60),
        "alg none": lambda: jwt.encode({"sub": "x"}, None, algorithm="none"),
        "HS512 not HS256": lambda: token(algorithm="HS512"),
    }[bad]()
    outcome = sio(server, auth={"token": value})
    TALLY.record("socketio_jwt_bad", outcome.kind)
    assert outcome.kind == "refused" and not outcome.replies, outcome
    assert "Traceback" not in log.new_text()  # refused quietly


def test_socketio_with_a_valid_token_works(server):
    for auth in ({"token": token()}, {"token": "Bearer " + token()}):
        outcome = sio(server, auth=auth)
        assert outcome.kind == "reply", outcome
        assert any("?" in str(r.get("text", "")) for r in outcome.replies)


# ---------------------------------------------------------------- request size from the environment
def test_sanic_request_max_size_from_the_environment_wins(server):
    sender = f"sec-size-{uuid.uuid4().hex[:8]}"
    under = json.dumps({"sender": sender, "message": "my knee hurts " * 10_000}).encode()
    over = json.dumps({"sender": sender, "message": "x" * (REQUEST_MAX_SIZE + 1000)}).encode()
    assert len(under) < REQUEST_MAX_SIZE < len(over) < 1_048_576  # the credentials' 1 MiB would accept it
    assert post(webhook(server.url), under)[0] == 200
    assert post(webhook(server.url), over)[0] == 413


# ---------------------------------------------------------------- message text stays out of the logs
def test_logs_at_the_default_level_never_contain_message_text(server):
    secret = f"zebra{uuid.uuid4().hex[:10]}quokka"
    rasa_log = LogWatch(server.workdir / "rasa.log").mark()
    action_log = LogWatch(server.workdir / "actions.log").mark()
    sender = f"sec-log-{uuid.uuid4().hex[:8]}"

    # A normal turn, a turn that reaches the actions, odd "/" messages Rasa
    # warns about, a refused request, and the same over socket.io.
    for text in (f"my knee hurts {secret}", f"no {secret}", f"/{secret}", f"/affirm{{\"{secret}\":",
                 f"/greet{{{secret}}}", f"/{secret}@0.5"):
        assert say(server.url, sender, text)[0] == 200
    assert post(webhook(server.url), json.dumps({"sender": 5, "message": secret}).encode())[0] == 400
    assert sio(server, auth={"token": token()}, text=f"my back hurts {secret}").kind == "reply"
    assert sio(server, auth={"token": token()}, text=f"/{secret}").kind in ("reply", "no_reply")
    time.sleep(1)  # let the servers flush their logs

    # The messages did arrive (the tracker store has them) ...
    with sqlite3.connect(server.workdir / "tracker.db") as db:
        stored = db.execute("select count(*) from events where data like ?", (f"%{secret}%",)).fetchone()[0]
    assert stored >= 6
    # ... the logs are at the default level and were written to ...
    assert " INFO " in (server.workdir / "rasa.log").read_text(encoding="utf-8", errors="replace")
    assert "Rasa server is up and running" in (server.workdir / "rasa.log").read_text(errors="replace")
    # ... and never name what was written.
    assert secret not in rasa_log.new_text(), [l for l in rasa_log.new_text().splitlines() if secret in l][:5]
    assert secret not in action_log.new_text(), [l for l in action_log.new_text().splitlines() if secret in l][:5]
    assert secret not in (server.workdir / "rasa.log").read_text(errors="replace")
    assert secret not in (server.workdir / "actions.log").read_text(errors="replace")


def test_the_server_is_still_up(server):
    assert server.proc.poll() is None and server.actions.poll() is None
    status, raw = call(server, "GET", "/status", query=f"?token={TOKEN}")
    assert status == 200 and json.loads(raw)["model_file"]
