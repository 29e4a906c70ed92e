"""The socket.io channel, hardened (the web chat page at /chat talks to it).

Registered in credentials.yml as `adapters.channels.socketio.SocketIOInput:` with the
same settings as Rasa's `socketio:` (user_message_evt, bot_message_evt,
session_persistence, socketio_path, jwt_key, jwt_method, metadata_key); its
name is still "socketio". Compared with Rasa's SocketIOInput:

- Origins. Rasa's channel turns python-socketio's origin check off
  (cors_allowed_origins=[]), so a page on any website can open a websocket to
  the bot. Here a browser connection is accepted from the server's own origin
  and from the origins given to `rasa run --cors` (the HTTP API's CORS list,
  read from the app when the channel is registered; "*" allows every origin).
  Clients that send no Origin header (not browsers) are not affected.
- Bad payloads never reach Rasa: an event whose data is not an object, a
  `message` that is not a string, a session id that is not a string of 1-128
  characters, metadata that is not an object (or a JSON string of one) gets a
  `request_error` event back ({"error": "..."}) and nothing else happens.
  Stock Rasa raised inside the handler (a number as message, metadata "x"),
  or entered a room named after a 1 MB session id.
- With session_persistence, a message must come from a socket that asked for
  that session (session_request) first; Rasa accepted any session_id.
- JWT (jwt_key): a connection without `auth: {"token": "<JWT>"}` signed with
  jwt_key (jwt_method, default HS256) is refused with "unauthorized", quietly
  (Rasa logged a traceback for every bad token).
- Failures are logged without the message text (and see log_privacy.py).
- A websocket closing is not logged as a server error with a traceback.
"""
from __future__ import annotations

import json
import logging
import traceback
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import engineio
import jwt
import socketio
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa.core.channels.channel import UserMessage, decode_jwt
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput

from adapters.channels import log_privacy
from adapters.channels.validation import InvalidRequest, check_metadata, check_sender_id, check_text

logger = logging.getLogger(__name__)
log_privacy.install()

ERROR_EVENT = "request_error"


class OriginPolicy:
    """Which browser origins may connect: the server's own, plus the configured ones."""

    def __init__(self, origins: Optional[List[str]] = None) -> None:
        self.origins: List[str] = list(origins or [])

    @property
    def allow_all(self) -> bool:
        return "*" in self.origins or ".*" in self.origins  # sanic-cors turns "*" into ".*"

    def allows(self, origin: str) -> bool:
        # The HTTP API's CORS (sanic-cors) matches the same list the same way.
        from sanic_cors.core import try_match_any

        return bool(self.origins) and try_match_any(origin, self.origins)

    @classmethod
    def of_app(cls, app: Sanic) -> "OriginPolicy":
        """The origins given to `rasa run --cors`, as sanic-cors holds them."""
        cors = getattr(app.ctx, "sanic_cors", None)
        origins: List[str] = []
        for _pattern, options in getattr(cors, "resources", None) or []:
            configured = options.get("origins") or []
            if isinstance(configured, str):
                configured = [configured]
            origins.extend(str(o) for o in configured if o)
        return cls(origins)


class _OriginCheckingEngineIO(engineio.AsyncServer):
    """engine.io server that refuses (400) a request whose Origin is neither the
    server's own nor allowed by OriginPolicy."""

    origin_policy = OriginPolicy()

    def _cors_allowed_origins(self, environ: Dict[str, Any]) -> Optional[List[str]]:
        if self.origin_policy.allow_all:
            return None  # engine.io: every origin
        saved, self.cors_allowed_origins = self.cors_allowed_origins, None
        try:
            allowed = list(super()._cors_allowed_origins(environ))  # the server's own origin(s)
        finally:
            self.cors_allowed_origins = saved
        origin = environ.get("HTTP_ORIGIN")
        if origin and self.origin_policy.allows(origin):
            allowed.append(origin)
        return allowed


    def _cors_headers(self, environ: Dict[str, Any]) -> List[Any]:
        # The CORS headers of every route, this one included, come from the
        # app's sanic-cors (the same origins); engine.io adding its own would
        # send Access-Control-Allow-Origin twice, which browsers refuse.
        return []


class _OriginCheckingServer(socketio.AsyncServer):
    def _engineio_server_class(self) -> type:
        return _OriginCheckingEngineIO


class _SocketBlueprint(Blueprint):
    """Attaches the socket.io server to the app, with the app's CORS origins."""

    def __init__(self, sio: socketio.AsyncServer, socketio_path: Text, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ctx.sio = sio
        self.ctx.socketio_path = socketio_path

    def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
        eio = self.ctx.sio.eio
        eio.origin_policy = OriginPolicy.of_app(app)

        # What sio.attach(app) does, but marked as a websocket handler: when a
        # websocket closes, engine.io returns no response, which Sanic would
        # otherwise log as an error with a traceback every time.
        async def engineio_endpoint(request: Request) -> Optional[HTTPResponse]:
            return await eio.handle_request(request)

        engineio_endpoint.is_websocket = True  # type: ignore[attr-defined]
        path = "/{}/".format(self.ctx.socketio_path.strip("/"))
        app.add_route(engineio_endpoint, path, methods=["GET", "POST", "OPTIONS"], name="socketio_engineio")
        app.enable_websocket()
        super().register(app, options)


def _traceback_without_text(error: BaseException) -> str:
    frames = "".join(traceback.format_tb(error.__traceback__))
    return f"Traceback (most recent call last):\n{frames}{type(error).__module__}.{type(error).__qualname__}"


class SocketIOInput(RasaSocketIOInput):
    """Rasa's socket.io channel with checked origins, payloads and tokens."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def _token_is_valid(self, auth: Any) -> bool:
        token = auth.get("token") if isinstance(auth, dict) else None
        if not isinstance(token, str) or not token:
            return False
        try:
            return decode_jwt(token, self.jwt_key, self.jwt_algorithm) is not None
        except (jwt.PyJWTError, ValueError, TypeError):
            return False

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = _OriginCheckingServer(async_mode="sanic", cors_allowed_origins=None)
        webhook = _SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio  # get_output_channel uses it
        namespace = self.namespace

        async def refuse(sid: Text, reason: str) -> None:
            logger.debug("socketio: refused an event: %s", reason)
            await sio.emit(ERROR_EVENT, {"error": reason}, room=sid, namespace=namespace)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=namespace)
        async def connect(sid: Text, environ: Dict, auth: Any = None) -> bool:
            if self.jwt_key and not self._token_is_valid(auth):
                logger.warning("socketio: refused a connection without a valid token")
                raise socketio.exceptions.ConnectionRefusedError("unauthorized")
            return True

        @sio.on("disconnect", namespace=namespace)
        async def disconnect(sid: Text) -> None:
            logger.debug("socketio: %s disconnected", sid)

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: Text, data: Any = None, *extra: Any) -> None:
            if data is None:
                data = {}
            if not isinstance(data, dict):
                return await refuse(sid, "session_request: the data must be an object")
            session_id = data.get("session_id")
            if session_id is None:
                session_id = uuid.uuid4().hex
            try:
                session_id = check_sender_id(session_id, "session_id")
            except InvalidRequest as error:
                return await refuse(sid, f"session_request: {error}")
            if self.session_persistence:
                sio.enter_room(sid, session_id, namespace=namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: Text, data: Any = None, *extra: Any) -> None:
            event = self.user_message_evt
            if not isinstance(data, dict):
                return await refuse(sid, f"{event}: the data must be an object")
            try:
                if self.session_persistence:
                    if data.get("session_id") is None:
                        raise InvalidRequest("'session_id' is missing (send session_request first)")
                    sender_id = check_sender_id(data["session_id"], "session_id")
                    if sender_id not in sio.rooms(sid, namespace=namespace):
                        raise InvalidRequest("this socket has not requested that session (session_request)")
                else:
                    sender_id = sid
                if "message" not in data:
                    raise InvalidRequest("'message' is missing")
                text = check_text(data["message"])
                metadata = data.get(self.metadata_key)
                if isinstance(metadata, str):
                    try:
                        metadata = json.loads(metadata)
                    except (ValueError, RecursionError):
                        raise InvalidRequest(f"'{self.metadata_key}' is a string but not JSON") from None
                metadata = check_metadata(metadata, self.metadata_key)
            except InvalidRequest as error:
                return await refuse(sid, f"{event}: {error}")

            output = SocketIOOutput(sio, self.bot_message_evt)
            try:
                await on_new_message(
                    UserMessage(text, output, sender_id, input_channel=self.name(), metadata=metadata)
                )
            except Exception as error:
                logger.error("socketio: could not handle a message\n%s", _traceback_without_text(error))

        return webhook
