"""A Rasa input channel that serves the website chat page at /chat, and the
widget other websites embed with one script tag.

Registered in credentials.yml as `adapters.web.channel.WebChat:` (no settings). It
handles no messages itself: the page talks to the bot over Rasa's socket.io
channel (the `socketio:` block of credentials.yml, session_persistence on).
Everything the page loads comes from this server, so it works offline:

  GET /chat                        the page (adapters/web/static/index.html);
                                   may not be framed (frame-ancestors 'none')
  GET /chat/static/<file>          its CSS and JavaScript (adapters/web/static/)
  GET /chat/vendor/<file>          the socket.io client, from node_modules/
                                   (installed by scripts/install_web.sh)
  GET /chat/embed.js               the widget's script, for
                                   <script src="https://BOT/chat/embed.js" defer>
  GET /chat/embed/check            200 for a page whose Origin may embed the
                                   chat, 403 otherwise (embed.js asks first)
  GET /chat/frame?origin=<origin>  the same page for the widget's iframe, framable
                                   by that origin only, if it may embed the chat

Who may embed: the server's own origin and the origins given to `rasa run
--cors` (RASA_CORS), the list the HTTP API and the socket.io channel use
(adapters.channels.socketio.OriginPolicy). The frame's Content-Security-Policy
names the one origin it was asked for (`frame-ancestors`), so a site that
claims another site's origin is refused by the browser.
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

from adapters.channels.socketio import OriginPolicy

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
# A web origin as a browser sends it: scheme://host[:port], nothing else (it goes
# into a CSP header).
ORIGIN = re.compile(r"^https?://(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Revalidate every time (cheap: ETag), so an update is never hidden by a cache.
    "Cache-Control": "no-cache",
}


def _csp(host: Optional[str], frame_ancestors: str = "'none'") -> str:
    # Only this server: no CDN, no inline script or style. The socket.io
    # websocket is named explicitly because older browsers don't let 'self'
    # cover ws:/wss:.
    sockets = f" ws://{host} wss://{host}" if host and SAFE_HOST.match(host) else ""
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self'{sockets}; base-uri 'none'; form-action 'none'; frame-ancestors {frame_ancestors}"
    )


def _as_panel(page: bytes) -> bytes:
    # Styled as the widget's panel from the first paint (chat.css: .embedded).
    return page.replace(b'<html lang="en">', b'<html lang="en" class="embedded">', 1)


def own_origin(request: Request) -> str:
    return f"{request.scheme}://{request.host}".lower()


def may_embed(request: Request, origin: Optional[str]) -> bool:
    """May a page of `origin` embed the chat? Its own origin, or one of RASA_CORS."""
    if not origin or not ORIGIN.match(origin):
        return False
    if origin.lower() == own_origin(request):
        return True
    policy = OriginPolicy.of_app(request.app)
    return policy.allow_all or policy.allows(origin)


def _serve(request: Request, path: Path, extra: Optional[Dict[str, str]] = None,
           edit: Optional[Callable[[bytes], bytes]] = None) -> HTTPResponse:
    if not path.is_file():
        return response.text("not found", status=404)
    body = path.read_bytes()
    if edit:
        body = edit(body)
    etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
    headers = {**COMMON_HEADERS, "ETag": etag, **(extra or {})}
    if request.headers.get("if-none-match") == etag:
        return response.empty(status=304, headers=headers)
    content_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
    return response.raw(body, content_type=content_type, headers=headers)


class WebChat(InputChannel):
    """Serves the chat page and the embeddable widget; the conversation itself
    runs over socket.io."""

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

        @web_chat.route("/frame", methods=["GET"])
        async def frame(request: Request) -> HTTPResponse:
            # The widget's panel: the chat page, framable only by the page that
            # asked for it, when that page's origin may embed the chat.
            origin = request.args.get("origin", "")
            if not may_embed(request, origin):
                return response.text(
                    "This website may not embed the chat: its origin is not in the bot's RASA_CORS.",
                    status=403, headers={**COMMON_HEADERS, "Content-Security-Policy": _csp(None)},
                )
            ancestors = "'self'" if origin.lower() == own_origin(request) else f"'self' {origin}"
            return _serve(request, STATIC / "index.html", {"Content-Security-Policy": _csp(request.host, ancestors)},
                          edit=_as_panel)

        @web_chat.route("/embed.js", methods=["GET"])
        async def embed(request: Request) -> HTTPResponse:
            # Loaded by other sites' pages with a plain <script> tag.
            return _serve(request, STATIC / "embed.js", {"Cross-Origin-Resource-Policy": "cross-origin"})

        @web_chat.route("/embed/check", methods=["GET"])
        async def embed_check(request: Request) -> HTTPResponse:
            # embed.js asks before it shows the launcher. The browser sends the
            # page's Origin; sanic-cors (the same RASA_CORS list) lets the page
            # read the answer only when it is allowed.
            origin = request.headers.get("origin") or own_origin(request)
            if may_embed(request, origin):
                return response.json({"embed": True}, headers={**COMMON_HEADERS, "Cache-Control": "no-store"})
            return response.json(
                {"embed": False, "error": "this origin is not in the bot's RASA_CORS"},
                status=403, headers={**COMMON_HEADERS, "Cache-Control": "no-store"},
            )

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
