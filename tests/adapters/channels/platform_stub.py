"""A local stand-in for the platforms' OUTGOING APIs (what the bot calls to send).

One aiohttp server, in its own thread, answering like each platform's API under
a prefix (the channels' `api_base`):

    /telegram   Telegram Bot API   /bot<token>/getMe, /sendMessage, /setWebhook
    /slack/api  Slack Web API      /chat.postMessage (Bearer token)
    /facebook   Graph API          /v<version>/me/messages?access_token=...
    /twilio     Twilio REST API    /2010-04-01/Accounts/<sid>/Messages.json (Basic auth)

Every call is recorded as a `Sent` (platform, to, text, raw). Wrong credentials
are answered like the platform would (401/403), so a channel sending the wrong
token fails the tests. setWebhook drops the connection, as an unreachable
Telegram would, to exercise the offline start-up.

Only this outgoing side is stubbed: the tests post the inbound webhooks to the
running Rasa server over real HTTP.
"""
from __future__ import annotations

import asyncio
import base64
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from aiohttp import web


@dataclass
class Sent:
    platform: str
    method: str
    to: str
    text: str
    raw: Dict[str, Any] = field(default_factory=dict)


class PlatformStub:
    def __init__(self, port: int, secrets: Dict[str, str]) -> None:
        self.port = port
        self.secrets = secrets
        self.sent: List[Sent] = []
        self.calls: List[str] = []  # every platform/method called, sends or not
        self._lock = threading.Lock()
        self._ids = itertools.count(1000)
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._runner: Optional[web.AppRunner] = None
        self._thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ---- recording -------------------------------------------------------
    def _record(self, sent: Sent) -> None:
        with self._lock:
            self.sent.append(sent)

    def _called(self, what: str) -> None:
        with self._lock:
            self.calls.append(what)

    def messages(self, platform: str, to: str) -> List[Sent]:
        with self._lock:
            return [s for s in self.sent if s.platform == platform and s.to == str(to)]

    def texts(self, platform: str, to: str) -> List[str]:
        return [s.text for s in self.messages(platform, to) if s.text]

    def wait_for(self, platform: str, to: str, predicate: Callable[[List[str]], bool],
                 timeout: float = 30) -> List[str]:
        """Wait until predicate(texts sent to `to`) holds; the texts, or AssertionError."""
        deadline = time.monotonic() + timeout
        while True:
            texts = self.texts(platform, to)
            if predicate(texts):
                return texts
            if time.monotonic() > deadline:
                raise AssertionError(f"{platform} -> {to}: expected message never sent; sent: {texts}")
            time.sleep(0.1)

    # ---- Telegram --------------------------------------------------------
    async def telegram(self, request: web.Request) -> web.StreamResponse:
        token, method = request.match_info["token"], request.match_info["method"].lower()
        self._called(f"telegram/{method}")
        if token != self.secrets["telegram_token"]:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        form = dict(await request.post())
        if method == "setwebhook":
            # Unreachable Telegram: the connection drops without an answer.
            request.transport.close()
            raise asyncio.CancelledError()
        if method == "getme":
            return web.json_response({"ok": True, "result": {
                "id": 4242, "is_bot": True, "first_name": "Knee bot",
                "username": self.secrets["telegram_username"]}})
        if method == "sendmessage":
            chat_id, text = str(form.get("chat_id")), str(form.get("text", ""))
            self._record(Sent("telegram", method, chat_id, text, form))
            return web.json_response({"ok": True, "result": {
                "message_id": next(self._ids), "date": int(time.time()),
                "chat": {"id": int(chat_id), "type": "private"}, "text": text}})
        return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)

    # ---- Slack -----------------------------------------------------------
    async def slack(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        self._called(f"slack/{method}")
        if request.headers.get("Authorization") != f"Bearer {self.secrets['slack_token']}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        body = await request.json()
        if method != "chat.postMessage":
            return web.json_response({"ok": False, "error": "unknown_method"})
        if "as_user" in body:  # what Slack answers new apps
            return web.json_response({"ok": False, "error": "invalid_arguments", "deprecated_argument": "as_user"})
        channel, text = str(body.get("channel")), str(body.get("text", ""))
        self._record(Sent("slack", method, channel, text, body))
        ts = f"{time.time():.6f}"
        return web.json_response({"ok": True, "channel": channel, "ts": ts,
                                  "message": {"type": "message", "text": text, "ts": ts, "bot_id": "B1"}})

    # ---- Facebook --------------------------------------------------------
    async def facebook(self, request: web.Request) -> web.StreamResponse:
        self._called("facebook/me/messages")
        if request.query.get("access_token") != self.secrets["facebook_token"]:
            return web.json_response({"error": {"message": "Invalid OAuth access token.", "type": "OAuthException",
                                                "code": 190}}, status=400)
        body = await request.json()
        recipient = str(body.get("recipient", {}).get("id"))
        message = body.get("message") or {}
        if "sender_action" in body:
            self._record(Sent("facebook", "sender_action", recipient, "", body))
            return web.json_response({"recipient_id": recipient})
        text = message.get("text") or message.get("attachment", {}).get("payload", {}).get("text", "")
        self._record(Sent("facebook", "message", recipient, str(text), body))
        return web.json_response({"recipient_id": recipient, "message_id": f"m_{next(self._ids)}"})

    # ---- Twilio ----------------------------------------------------------
    async def twilio(self, request: web.Request) -> web.StreamResponse:
        sid = request.match_info["sid"]
        self._called("twilio/Messages.json")
        expected = base64.b64encode(
            f"{self.secrets['twilio_sid']}:{self.secrets['twilio_token']}".encode()).decode()
        if sid != self.secrets["twilio_sid"] or request.headers.get("Authorization") != f"Basic {expected}":
            return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
        form = dict(await request.post())
        to, text = str(form.get("To")), str(form.get("Body", ""))
        self._record(Sent("twilio", "Messages.json", to, text, form))
        now = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
        message_sid = f"SM{next(self._ids):032d}"
        return web.json_response({
            "sid": message_sid, "account_sid": sid, "to": to, "from": form.get("From"), "body": text,
            "status": "queued", "direction": "outbound-api", "num_segments": "1", "num_media": "0",
            "date_created": now, "date_updated": now, "date_sent": None, "price": None,
            "error_code": None, "error_message": None, "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}.json",
        }, status=201)

    # ---- server ----------------------------------------------------------
    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/telegram/bot{token}/{method}", self.telegram)
        app.router.add_post("/slack/api/{method}", self.slack)
        app.router.add_post("/facebook/{version}/me/messages", self.facebook)
        app.router.add_post("/twilio/2010-04-01/Accounts/{sid}/Messages.json", self.twilio)
        return app

    def start(self) -> "PlatformStub":
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._runner = web.AppRunner(self._app(), access_log=None)
            self._loop.run_until_complete(self._runner.setup())
            self._loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", self.port).start())
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="platform-stub", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the platform stub did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
