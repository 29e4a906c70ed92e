"""Helpers for the bad-input tests: send things to a running bot over HTTP and
socket.io, check it is still healthy, watch its log, and count the outcomes
(results/fuzz.json)."""
from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import os

import socketio
from hypothesis import HealthCheck, settings

from tests.servers import ROOT

CORPUS = Path(__file__).resolve().parent / "corpus"
RESULTS = ROOT / "results" / "fuzz.json"
NORMAL_MESSAGE = "my knee hurts"
# What a server that lost its model (or a crashed request) looks like in the log.
LOG_PROBLEMS = ("Traceback", "No agent loaded", "could not handle a message", " ERROR ", "[ERROR]")


def fuzz_settings(max_examples: int) -> settings:
    """Hypothesis settings for these tests: no example database in the working
    tree, no deadline (a real server answers in 0.1-1 s), and the same examples
    on every run, unless HYPOTHESIS_PROFILE=explore asks for new random ones
    (and 5 times as many)."""
    explore = os.environ.get("HYPOTHESIS_PROFILE") == "explore"
    return settings(
        max_examples=max_examples * (5 if explore else 1),
        derandomize=not explore,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                               HealthCheck.data_too_large, HealthCheck.large_base_example],
    )


# ------------------------------------------------------------------ counting
class Tally:
    """Outcomes per surface (rest, socketio, nlu), written to results/fuzz.json."""

    def __init__(self) -> None:
        self.outcomes: Dict[str, Counter] = defaultdict(Counter)
        self.lock = threading.Lock()

    def record(self, surface: str, outcome: Any) -> None:
        with self.lock:
            self.outcomes[surface][str(outcome)] += 1

    def summary(self) -> Dict[str, Any]:
        surfaces = {}
        for surface, counts in sorted(self.outcomes.items()):
            server_errors = sum(n for o, n in counts.items() if o.startswith("5") or o == "server_error")
            surfaces[surface] = {
                "tried": sum(counts.values()),
                "outcomes": dict(sorted(counts.items())),
                "5xx_or_server_errors": server_errors,
            }
        return {
            "surfaces": surfaces,
            "total_tried": sum(s["tried"] for s in surfaces.values()),
            "total_5xx_or_server_errors": sum(s["5xx_or_server_errors"] for s in surfaces.values()),
        }

    def write(self, path: Path = RESULTS) -> Dict[str, Any]:
        summary = self.summary()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        return summary


TALLY = Tally()


# ------------------------------------------------------------------ HTTP
def post(url: str, body: bytes, content_type: str = "application/json", timeout: float = 120) -> Tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def get(url: str, headers: Optional[Dict[str, str]] = None, timeout: float = 30
        ) -> Tuple[int, List[Tuple[str, str]], bytes]:
    """status, every response header as (name, value) (repeated ones too), body."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, list(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, list(error.headers.items()), error.read()


def webhook(bot_url: str) -> str:
    return f"{bot_url}/webhooks/rest/webhook"


def say(bot_url: str, sender: str, text: str) -> Tuple[int, Any]:
    status, body = post(webhook(bot_url), json.dumps({"sender": sender, "message": text}).encode())
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body


def is_polite_reply(replies: Any, sender: str, text: Optional[str]) -> bool:
    """A JSON list of bot messages to `sender`; with words in it, unless the
    text was a "/command" (e.g. /restart answers nothing)."""
    if not isinstance(replies, list) or not all(isinstance(r, dict) for r in replies):
        return False
    if any(r.get("recipient_id") != sender for r in replies):
        return False
    if text is not None and text.strip().startswith("/"):
        return True
    return any(isinstance(r.get("text"), str) and r["text"].strip() for r in replies)


def assert_healthy(bot_url: str, token: Optional[str] = None) -> None:
    """The server still has its model and answers a normal message sensibly."""
    query = f"?token={token}" if token else ""
    status, _, body = get(f"{bot_url}/status{query}")
    assert status == 200, f"/status answered {status}: {body[:300]!r}"
    assert json.loads(body).get("model_file"), f"no model loaded: {body[:300]!r}"
    sender = f"health-{uuid.uuid4().hex[:12]}"
    status, replies = say(bot_url, sender, NORMAL_MESSAGE)
    assert status == 200, f"{NORMAL_MESSAGE!r} answered {status}: {replies!r:.300}"
    text = " ".join(r.get("text", "") for r in replies)
    assert "No agent loaded" not in text
    # A fresh conversation that starts with a knee complaint gets the interview.
    assert "?" in text, f"{NORMAL_MESSAGE!r} got no question back: {replies!r:.500}"


# ------------------------------------------------------------------ logs
@dataclass
class LogWatch:
    """The lines a server wrote to its log since mark()."""

    path: Path
    offset: int = 0

    def mark(self) -> "LogWatch":
        self.offset = self.path.stat().st_size if self.path.exists() else 0
        return self

    def new_text(self) -> str:
        if not self.path.exists():
            return ""
        with self.path.open("rb") as f:
            f.seek(self.offset)
            return f.read().decode("utf-8", "replace")

    def problems(self) -> List[str]:
        return [line for line in self.new_text().splitlines() if any(p in line for p in LOG_PROBLEMS)]


# ------------------------------------------------------------------ socket.io
@dataclass
class SioOutcome:
    connected: bool
    confirmed: List[Any] = field(default_factory=list)
    replies: List[Any] = field(default_factory=list)
    errors: List[Any] = field(default_factory=list)
    disconnected: bool = False
    acked: bool = False

    @property
    def kind(self) -> str:
        if not self.connected:
            return "refused"
        if self.errors:
            return "request_error"
        if self.replies:
            return "reply"
        if self.disconnected:
            return "disconnected"
        if self.confirmed:
            return "confirm"
        return "no_reply" if self.acked else "no_ack"


async def sio_exchange(
    bot_url: str,
    steps: List[Tuple[str, List[Any]]],
    session: Optional[str] = None,
    transport: str = "websocket",
    auth: Optional[Dict[str, Any]] = None,
    headers: Optional[Dict[str, str]] = None,
    timeout: float = 60,
) -> SioOutcome:
    """Connect, optionally request `session`, then send each (event, args) and
    wait for the server to finish handling it (its acknowledgement).

    Outcomes only count what happens after the session is confirmed."""
    client = socketio.AsyncClient(reconnection=False)
    outcome = SioOutcome(connected=False)
    confirmed_session = asyncio.Event()
    dropped = asyncio.Event()
    collecting = closing = False

    @client.on("session_confirm")
    async def on_confirm(data: Any) -> None:
        if collecting:
            outcome.confirmed.append(data)
        confirmed_session.set()

    @client.on("bot_uttered")
    async def on_reply(data: Any) -> None:
        if collecting:
            outcome.replies.append(data)

    @client.on("request_error")
    async def on_error(data: Any) -> None:
        outcome.errors.append(data)

    namespace_answered = asyncio.Event()

    @client.on("connect")
    async def on_connect() -> None:
        namespace_answered.set()

    @client.on("connect_error")
    async def on_connect_error(data: Any) -> None:
        outcome.errors.append(data)
        namespace_answered.set()

    @client.on("disconnect")
    async def on_disconnect() -> None:
        if not closing:
            outcome.disconnected = True
            dropped.set()

    try:
        # wait=False: python-socketio would otherwise sit out its whole
        # wait_timeout when the server refuses the connection.
        await client.connect(bot_url, socketio_path="/socket.io", transports=[transport], auth=auth,
                             headers=headers or {}, wait=False)
        await asyncio.wait_for(namespace_answered.wait(), 30)
    except (socketio.exceptions.ConnectionError, asyncio.TimeoutError) as error:
        outcome.errors.append(str(error) or type(error).__name__)
    if outcome.errors:  # refused (origin, token)
        await client.disconnect()
        http = getattr(client.eio, "http", None)
        if http is not None and not http.closed:
            await http.close()
        return outcome
    outcome.connected = True
    try:
        if session is not None:
            await client.emit("session_request", {"session_id": session})
            await asyncio.wait_for(confirmed_session.wait(), timeout)
        collecting = True
        for event, args in steps:
            if not client.connected:
                break
            # A tuple is sent as that many arguments: () none, (None,) one null.
            call = asyncio.ensure_future(client.call(event, tuple(args), timeout=timeout))
            closed = asyncio.ensure_future(dropped.wait())
            await asyncio.wait({call, closed}, timeout=timeout + 1, return_when=asyncio.FIRST_COMPLETED)
            closed.cancel()
            if not call.done():  # the server closed the connection first
                call.cancel()
                break
            try:
                call.result()
                outcome.acked = True
            except socketio.exceptions.TimeoutError:
                pass
            except socketio.exceptions.BadNamespaceError:  # the server closed the connection
                outcome.disconnected = True
                break
        await asyncio.sleep(0.05)  # let events queued before the ack arrive
    finally:
        closing = True
        if client.connected:
            await client.disconnect()
        http = getattr(client.eio, "http", None)
        if http is not None and not http.closed:
            await http.close()
    return outcome


def sio_say(bot_url: str, text: str, **kwargs: Any) -> SioOutcome:
    session = f"fz-{uuid.uuid4().hex[:16]}"
    return asyncio.run(sio_exchange(
        bot_url, [("user_uttered", [{"message": text, "session_id": session}])], session=session, **kwargs))
