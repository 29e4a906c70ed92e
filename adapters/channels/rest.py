"""The REST channel, hardened: POST /webhooks/rest/webhook (the same URL as Rasa's).

Registered in credentials.yml as `adapters.channels.rest.RestInput:`. It answers
exactly like Rasa's RestInput for a well-formed request, and differs in:

- a malformed body is a 400 with a JSON error saying what is wrong, instead of
  a 500 from deep inside Rasa (stock Rasa: message or sender of the wrong type,
  metadata that is not an object, a body that is a list, ...). `sender` is
  required (stock Rasa files a request without one under the shared
  conversation "default") and at most 128 characters (adapters/channels/validation.py);
- the server's request body limit (Sanic's REQUEST_MAX_SIZE, 100 MB by default)
  is set to `request_max_size` from credentials.yml (default 1 MiB), unless the
  environment variable SANIC_REQUEST_MAX_SIZE sets it; bigger bodies get 413.
  It applies to every route of the Rasa server (REST, socket.io polling, the
  HTTP API), not to the action server;
- the message text is never logged (stock Rasa logs it with every failure),
  and log_privacy.py keeps it out of Rasa's own warnings.

The text that reaches the NLU is cleaned and cut by adapters/pipeline/input_guard.py.
"""
from __future__ import annotations

import logging
import os
import traceback
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Union

import rasa.utils.endpoints
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from adapters.channels import log_privacy
from adapters.channels.display_hints import OneMessageCollector
from adapters.channels.validation import (
    DEFAULT_REQUEST_MAX_SIZE,
    InvalidRequest,
    parse_json_body,
    rest_request,
)

logger = logging.getLogger(__name__)
log_privacy.install()  # Rasa's own warnings that quote message text

REQUEST_MAX_SIZE_ENV = "SANIC_REQUEST_MAX_SIZE"  # Sanic reads SANIC_* itself


def traceback_without_text(error: BaseException) -> str:
    """Where `error` happened and its type, without its message (which may quote
    the user's text): what gets logged when handling a message fails."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    return f"Traceback (most recent call last):\n{frames}{type(error).__module__}.{type(error).__qualname__}"


def error_response(status: int, reason: str, message: str) -> HTTPResponse:
    return response.json({"status": "failure", "code": status, "reason": reason, "message": message}, status=status)


def apply_request_max_size(app: Sanic, size: int) -> None:
    """Cap request bodies at `size` bytes, unless SANIC_REQUEST_MAX_SIZE already did.

    Sanic reads REQUEST_MAX_SIZE for each new connection, so setting it while the
    channels are registered (before the server starts) takes effect.
    """
    if os.environ.get(REQUEST_MAX_SIZE_ENV, "").strip():
        return
    app.config.REQUEST_MAX_SIZE = size


class _SizeLimitingBlueprint(Blueprint):
    """A blueprint that sets the app's request body limit when it is registered."""

    def __init__(self, request_max_size: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ctx.request_max_size = request_max_size

    def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
        apply_request_max_size(app, self.ctx.request_max_size)
        super().register(app, options)


class RestInput(RasaRestInput):
    """Rasa's REST channel with a validated body (400 on anything malformed)."""

    @classmethod
    def name(cls) -> Text:
        return "rest"  # keeps the URL /webhooks/rest/webhook

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        size = credentials.get("request_max_size", DEFAULT_REQUEST_MAX_SIZE)
        if isinstance(size, bool) or not isinstance(size, int) or size < 1024:
            raise ValueError(f"rest: request_max_size must be a number of bytes >= 1024, got {size!r}")
        return cls(request_max_size=size)

    def __init__(self, request_max_size: int = DEFAULT_REQUEST_MAX_SIZE) -> None:
        self.request_max_size = request_max_size

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = _SizeLimitingBlueprint(self.request_max_size, "hardened_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Union[ResponseStream, HTTPResponse]:
            try:
                fields = rest_request(parse_json_body(request.body), self.name())
            except InvalidRequest as error:
                logger.debug("rest: refused a malformed request (400): %s", error)
                return error_response(400, "BadRequest", str(error))

            sender_id, text = fields["sender"], fields["message"]
            input_channel, metadata = fields["input_channel"], fields["metadata"]
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, text, sender_id, input_channel, metadata),
                    content_type="text/event-stream",
                )

            collector = OneMessageCollector()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender_id, input_channel=input_channel, metadata=metadata)
                )
            except CancelledError:
                # Rasa's response timeout: answer with what the bot said so far, like stock Rasa.
                logger.error("rest: handling a message timed out")
            except Exception as error:
                logger.error("rest: could not handle a message\n%s", traceback_without_text(error))
                return error_response(500, "InternalError", "the bot could not handle this message")
            return response.json(collector.messages)

        return webhook
