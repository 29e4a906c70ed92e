"""Facebook Messenger, as Rasa's channel with a stricter signature check.

Credentials key `adapters.channels.facebook.FacebookInput`; webhook
/webhooks/facebook/webhook (GET answers Meta's verification with `verify`).

- Every POST must be signed with the app secret: X-Hub-Signature-256
  (sha256=HMAC of the body) when present, else X-Hub-Signature (sha1=...).
  Only those two algorithms are accepted, compared in constant time, and a bad
  signature is refused with 403 (Rasa's channel answers 200 "not validated" and
  takes the algorithm from the header).
- Every messaging event of a batched request is answered, not only the first.
- Graph API calls have a time limit, and `api_base` (FACEBOOK_API_BASE) replaces
  https://graph.facebook.com.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from fbmessenger import MessengerClient
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput as RasaFacebookInput
from rasa.core.channels.facebook import Messenger as RasaMessenger
from rasa.core.channels.facebook import MessengerBot
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from adapters.channels.display_hints import WithoutHints

logger = logging.getLogger(__name__)

GRAPH_TIMEOUT_SECONDS = 10
_ALGORITHMS = {"sha256": hashlib.sha256, "sha1": hashlib.sha1}


class GraphClient(MessengerClient):
    """fbmessenger's client with a time limit and an optional other Graph API base."""

    def __init__(self, page_access_token: Text, api_base: Optional[Text] = None) -> None:
        super().__init__(page_access_token)
        if api_base:
            self.graph_url = f"{api_base.rstrip('/')}/v{self.api_version}"

    def send(self, payload: Any, recipient_id: Any, messaging_type: str = "RESPONSE",
             notification_type: str = "REGULAR", timeout: Any = None, tag: Any = None) -> Any:
        return super().send(payload, recipient_id, messaging_type, notification_type,
                            timeout or GRAPH_TIMEOUT_SECONDS, tag)

    def send_action(self, sender_action: Any, recipient_id: Any, timeout: Any = None) -> Any:
        return super().send_action(sender_action, recipient_id, timeout or GRAPH_TIMEOUT_SECONDS)


class _MessengerBot(WithoutHints, MessengerBot):
    """Rasa's Messenger output without the web page's display hints."""


class Messenger(RasaMessenger):
    def __init__(
        self,
        page_access_token: Text,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        api_base: Optional[Text] = None,
    ) -> None:
        super().__init__(page_access_token, on_new_message)
        self.client = GraphClient(page_access_token, api_base)

    async def _handle_user_message(self, text: Text, sender_id: Text, metadata: Optional[Dict[Text, Any]]) -> None:
        """As Rasa's, with the output channel that drops the web page's display hints."""
        out_channel = _MessengerBot(self.client)
        await out_channel.send_action(sender_id, sender_action="mark_seen")
        user_msg = UserMessage(text, out_channel, sender_id, input_channel=self.name(), metadata=metadata)
        await out_channel.send_action(sender_id, sender_action="typing_on")
        try:
            await self.on_new_message(user_msg)
        except Exception:
            logger.exception("facebook: could not handle a message")
        finally:
            await out_channel.send_action(sender_id, sender_action="typing_off")

    async def handle(self, payload: Dict, metadata: Optional[Dict[Text, Any]]) -> None:
        """Every messaging event of the batch (Rasa's stops after the first one)."""
        for entry in payload.get("entry") or []:
            for message in (entry.get("messaging") or []) if isinstance(entry, dict) else []:
                self.last_message = message
                if message.get("message"):
                    await self.message(message, metadata)
                elif message.get("postback"):
                    await self.postback(message, metadata)


def signature_is_valid(app_secret: Text, body: bytes, headers: Any) -> bool:
    """True when the body is signed with the app secret (sha256 preferred)."""
    for header in ("X-Hub-Signature-256", "X-Hub-Signature"):
        value = headers.get(header)
        if not value:
            continue
        algorithm, _, signature = value.partition("=")
        digest = _ALGORITHMS.get(algorithm.strip().lower())
        if digest is None:
            return False
        expected = hmac.new(app_secret.encode("utf-8"), body, digest).hexdigest()
        return hmac.compare_digest(expected, signature.strip().lower())
    return False


class FacebookInput(RasaFacebookInput):
    api_base: Optional[Text] = None

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        channel = super().from_credentials(credentials)
        channel.api_base = (credentials or {}).get("api_base") or None
        if not channel.fb_secret:
            raise ValueError("facebook: `secret` (the app secret) is required to check requests")
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        fb_webhook = Blueprint("fb_webhook", __name__)

        @fb_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @fb_webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            token = request.args.get("hub.verify_token") or ""
            if self.fb_verify and hmac.compare_digest(token.encode(), self.fb_verify.encode()):
                return response.text(request.args.get("hub.challenge") or "")
            logger.warning("facebook: wrong verify token in a webhook verification (FACEBOOK_VERIFY)")
            return response.text("failure, invalid token", status=403)

        @fb_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not signature_is_valid(self.fb_secret, request.body, request.headers):
                logger.warning(
                    "facebook: refused a request without a valid X-Hub-Signature(-256); "
                    "check FACEBOOK_SECRET is the app secret"
                )
                return response.text("not validated", status=403)
            payload = request.json
            if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
                return response.text("not a messaging event", status=400)
            messenger = Messenger(self.fb_access_token, on_new_message, self.api_base)
            await messenger.handle(payload, self.get_metadata(request))
            return response.text("success")

        return fb_webhook

    def get_output_channel(self) -> OutputChannel:
        return _MessengerBot(GraphClient(self.fb_access_token, self.api_base))
