"""Bad input to the socket.io channel of a real running bot (the session's
`running_bot`; credentials.yml registers adapters.channels.socketio.SocketIOInput with
session_persistence), through python-socketio's AsyncClient.

Each event gets either a reply (`bot_uttered`), a `request_error` event, a
session confirmation, or, for a frame over the size limit, a closed
connection; never an error in the server log. Afterwards the same server still
answers a normal message over socket.io and REST.

Stock Rasa 3.6 (measured with the same corpus): 21 of the 36 corpus events
raised inside its handlers ("Task exception was never retrieved", the bot
silent), and every websocket that closed was logged as a server error with a
traceback.
"""
from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from hypothesis import example, given, strategies as st

from tests.hardening.harness import (
    CORPUS, TALLY, LogWatch, assert_healthy, fuzz_settings, sio_exchange, sio_say,
)

EVENTS = [json.loads(line) for line in (CORPUS / "socketio.jsonl").read_text(encoding="utf-8").splitlines()]
MESSAGES = [json.loads(line) for line in (CORPUS / "messages.jsonl").read_text(encoding="utf-8").splitlines()]
ACCEPTABLE = {"reply", "request_error", "confirm", "no_reply"}


@pytest.fixture
def bot(running_bot):
    """The running bot; after the test: no errors in its log, and a normal
    message still gets the interview over socket.io (and REST)."""
    log = LogWatch(running_bot.workdir / "rasa.log").mark()
    yield running_bot
    assert log.problems() == [], "the server logged errors:\n" + "\n".join(log.problems()[:20])
    outcome = sio_say(running_bot.url, "my knee hurts")
    assert outcome.kind == "reply", outcome
    assert any("?" in str(r.get("text", "")) for r in outcome.replies), outcome.replies
    assert_healthy(running_bot.url)


def exchange(bot, steps, session=None, transport="websocket", timeout=60):
    log = LogWatch(bot.workdir / "rasa.log").mark()
    outcome = asyncio.run(sio_exchange(bot.url, steps, session=session, transport=transport, timeout=timeout))
    TALLY.record("socketio", "server_error" if log.problems() else outcome.kind)
    return outcome


def new_session() -> str:
    return f"fz-{uuid.uuid4().hex[:16]}"


# ---------------------------------------------------------------- the corpus
@pytest.mark.parametrize("case", EVENTS, ids=lambda c: c["name"])
def test_corpus_event(bot, case):
    session = new_session() if case["event"] == "user_uttered" else None
    args = json.loads(json.dumps(case["args"]).replace("$SESSION", session or ""))
    outcome = exchange(bot, [(case["event"], args)], session=session)
    assert outcome.kind == case["expect"], outcome
    if outcome.kind == "request_error":
        assert all(isinstance(e, dict) and e.get("error") for e in outcome.errors), outcome.errors


@pytest.mark.parametrize("case", MESSAGES, ids=lambda c: c["name"])
def test_corpus_message_gets_a_reply(bot, case):
    session = new_session()
    outcome = exchange(bot, [("user_uttered", [{"message": case["text"], "session_id": session}])], session=session)
    if case["text"].strip() in ("/restart", "/session_start"):  # commands with nothing to say
        assert outcome.kind in ("reply", "no_reply"), outcome
    else:
        assert outcome.kind == "reply", outcome
        assert any(str(r.get("text", "")).strip() for r in outcome.replies), outcome.replies


# ---------------------------------------------------------------- huge and binary
@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_100_kb_message_gets_a_reply(bot, transport):
    session = new_session()
    text = ("my knee hurts and the pain goes down my leg " * 2400)[:100_000]
    outcome = exchange(bot, [("user_uttered", [{"message": text, "session_id": session}])], session, transport)
    assert outcome.kind == "reply", outcome


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_1_mb_session_id_is_refused(bot, transport):
    outcome = exchange(bot, [("session_request", [{"session_id": "s" * 1_000_000}])], transport=transport,
                       timeout=8)
    # Too long for a session id (request_error), or a frame over the size
    # limit (the server closes the connection).
    assert outcome.kind in ("request_error", "disconnected", "no_ack"), outcome
    assert not outcome.confirmed


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_2_mb_message_closes_only_that_connection(bot, transport):
    session = new_session()
    outcome = exchange(bot, [("user_uttered", [{"message": "x" * 2_000_000, "session_id": session}])],
                       session, transport, timeout=4)
    assert outcome.kind in ("disconnected", "no_ack"), outcome
    assert not outcome.replies


def test_binary_message_is_a_request_error(bot):
    session = new_session()
    outcome = exchange(bot, [("user_uttered", [{"message": b"\x00\xffmy knee", "session_id": session}])], session)
    assert outcome.kind == "request_error", outcome


def test_unknown_event_is_ignored(bot):
    outcome = exchange(bot, [("no_such_event", [{"message": "hi"}])], timeout=1.5)
    assert outcome.kind == "no_ack" and not outcome.errors and not outcome.disconnected, outcome


# ---------------------------------------------------------------- property-based
JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
JSON_VALUES = st.recursive(JSON_LEAVES, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=10)
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
SESSION = "$SESSION"
PAYLOADS = st.one_of(
    JSON_VALUES,
    st.fixed_dictionaries({}, optional={
        "message": st.one_of(ANY_TEXT, JSON_VALUES),
        "session_id": st.one_of(st.just(SESSION), st.text(max_size=200), JSON_VALUES),
        "metadata": st.one_of(JSON_VALUES, st.text(max_size=30)),
    }),
)


def _valid(payload, session) -> bool:
    if not isinstance(payload, dict) or payload.get("session_id") != session:
        return False
    if not isinstance(payload.get("message"), str):
        return False
    metadata = payload.get("metadata")
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return False
    return metadata is None or isinstance(metadata, dict)  # (never nested deeper than the 16 allowed)


@fuzz_settings(max_examples=45)
@given(payload=PAYLOADS)
@example(payload={"message": "my knee hurts", "session_id": SESSION, "metadata": "{\"a\": [1]}"})
def test_any_user_uttered_payload_gets_a_reply_or_a_request_error(bot, payload):
    session = new_session()
    payload = json.loads(json.dumps(payload).replace(json.dumps(SESSION), json.dumps(session)))
    outcome = exchange(bot, [("user_uttered", [payload])], session=session)
    assert outcome.kind in ACCEPTABLE, outcome
    if _valid(payload, session):
        assert outcome.kind in ("reply", "no_reply"), (payload, outcome)
    else:
        assert outcome.kind == "request_error", (payload, outcome)


@fuzz_settings(max_examples=20)
@given(payload=st.one_of(JSON_VALUES, st.fixed_dictionaries({"session_id": st.one_of(
    st.text(st.characters(blacklist_categories=()), max_size=200), JSON_VALUES)})))
def test_any_session_request_gets_a_confirmation_or_a_request_error(bot, payload):
    outcome = exchange(bot, [("session_request", [payload])])
    assert outcome.kind in ("confirm", "request_error"), outcome
    if outcome.kind == "confirm":
        session_id = outcome.confirmed[0]
        assert isinstance(session_id, str) and 0 < len(session_id) <= 128


@fuzz_settings(max_examples=25)
@given(text=st.text(st.characters(blacklist_categories=()), max_size=300))
def test_any_text_gets_a_reply(bot, text):
    session = new_session()
    outcome = exchange(bot, [("user_uttered", [{"message": text, "session_id": session}])], session=session)
    assert outcome.kind in ("reply", "no_reply"), outcome
