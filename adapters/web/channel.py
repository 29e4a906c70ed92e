"""A Rasa input channel that serves the website chat page at /chat.

Registered in credentials.yml as `adapters.web.channel.WebChat:` (no settings). It
handles no messages itself: the page talks to the bot over Rasa's socket.io
channel (the `socketio:` block of credentials.yml, session_persistence on).
Everything the page loads comes from this server, so it works offline:

  GET /chat                        the page (adapters/web/static/index.html)
  GET /chat/static/<file>          its CSS and JavaScript (adapters/web/static/)
  GET /chat/vendor/<file>          the socket.io client, from node_modules/
                                   (installed by scripts/install_web.sh)
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa.core.channels.channel import InputChannel, UserMessage

WEB = Path(__file__).resolve().parent
STATIC = WEB / "static"
ROOT = WEB.parents[1]
SOCKET_IO_DIST = ROOT / "node_modules" / "socket.io-client" / "dist"
# The only files served from node_modules.
VENDOR = {
    "socket.io.min.js": SOCKET_IO_DIST / "socket.io.min.js",
    "socket.io.min.js.map": SOCKET_IO_DIST / "socket.io.min.js.map",
}
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".map": "application/json",
    ".svg": "image/svg+xml",
}
SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")  # one file name, no path
SAFE_HOST = re.compile(r"^[A-Za-z0-9.\-:\[\]]+$")
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Revalidate every time (cheap: ETag), so an update is never hidden by a cache.
    "Cache-Control": "no-cache",
}


def _csp(host: Optional[str]) -> str:
    # Only this server: no CDN, no inline script or style. The socket.io
    # websocket is named explicitly because older browsers don't let 'self'
    # cover ws:/wss:.
    sockets = f" ws://{host} wss://{host}" if host and SAFE_HOST.match(host) else ""
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self'{sockets}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def _serve(request: Request, path: Path, extra: Optional[Dict[str, str]] = None) -> HTTPResponse:
    if not path.is_file():
        return response.text("not found", status=404)
    body = path.read_bytes()
    etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
    headers = {**COMMON_HEADERS, "ETag": etag, **(extra or {})}
    if request.headers.get("if-none-match") == etag:
        return response.empty(status=304, headers=headers)
    content_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
    return response.raw(body, content_type=content_type, headers=headers)


class WebChat(InputChannel):
    """Serves the chat page; the conversation itself runs over socket.io."""

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()

    def url_prefix(self) -> Text:
        return "/chat"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        web_chat = Blueprint("web_chat", __name__)

        @web_chat.route("/", methods=["GET"], strict_slashes=False)
        async def index(request: Request) -> HTTPResponse:
            return _serve(request, STATIC / "index.html", {"Content-Security-Policy": _csp(request.host)})

        @web_chat.route("/static/<name:str>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            if not SAFE_NAME.match(name):
                return response.text("not found", status=404)
            return _serve(request, STATIC / name)

        @web_chat.route("/vendor/<name:str>", methods=["GET"])
        async def vendor(request: Request, name: str) -> HTTPResponse:
            path = VENDOR.get(name)
            if path is None:
                return response.text("not found", status=404)
            if not path.is_file():
                return response.text(
                    f"{name} is not installed: run scripts/install_web.sh (npm ci)", status=503
                )
            return _serve(request, path)

        return web_chat
