"""Twilio (SMS and WhatsApp) with numbered answers instead of buttons.

Credentials key `adapters.channels.twilio.TwilioInput`; webhook /webhooks/twilio/webhook.

Differences from Rasa's own Twilio channel:
- a message with buttons is sent as its text followed by numbered options
  (adapters/channels/numbered.py), and a reply that is only a number ("2") is turned
  into that button's payload ("/deny"). The options are taken from the sender's
  conversation (the bot's last message with buttons, if the person has not
  replied since), so nothing is kept in memory and a restart loses nothing;
- every request must carry a valid X-Twilio-Signature (HMAC-SHA1 of the URL and
  the form with the auth token), otherwise it is refused with 403. Behind a proxy
  or tunnel set `webhook_url` (TWILIO_WEBHOOK_URL) to the public URL Twilio posts to;
- messages are sent with Twilio's asynchronous client, so sending does not block
  the server; `api_base` (TWILIO_API_BASE) replaces https://api.twilio.com.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text
from urllib.parse import urlsplit, urlunsplit

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput as RasaTwilioInput
from rasa.core.channels.twilio import TwilioOutput as RasaTwilioOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator

from adapters.channels import numbered
from adapters.channels.display_hints import WithoutHints

logger = logging.getLogger(__name__)
# Twilio's HTTP client logs every request and response at INFO; keep warnings only.
http_logger = logging.getLogger(__name__ + ".http")
http_logger.setLevel(logging.WARNING)

SEND_TIMEOUT_SECONDS = 15
_EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class TwilioOutput(WithoutHints, RasaTwilioOutput):
    """Sends through Twilio's asynchronous client; buttons become numbered text."""

    def __init__(
        self,
        account_sid: Optional[Text],
        auth_token: Optional[Text],
        twilio_number: Optional[Text],
        api_base: Optional[Text] = None,
    ) -> None:
        super().__init__(account_sid, auth_token, twilio_number)
        # One aiohttp session per message sent (pool_connections=False): an output
        # channel lives for one incoming message, so there is nothing to close later.
        self.http_client = AsyncTwilioHttpClient(
            pool_connections=False, timeout=SEND_TIMEOUT_SECONDS, logger=http_logger
        )
        self.api_base = api_base.rstrip("/") if api_base else None

    def get_hostname(self, uri: str) -> str:
        """Twilio's URL for `uri`, or the same path under `api_base` when set."""
        uri = super().get_hostname(uri)
        if not self.api_base:
            return uri
        base = urlsplit(self.api_base)
        parts = urlsplit(uri)
        return urlunsplit((base.scheme, base.netloc, base.path + parts.path, parts.query, parts.fragment))

    async def _send_message(self, message_data: Dict[Text, Any]) -> Any:
        try:
            return await self.messages.create_async(**message_data)
        except TwilioException as error:  # TwilioRestException: Twilio said no
            logger.error("Twilio refused to send a message to %s: %s", message_data.get("to"), error)
        except Exception as error:  # network: the reply is lost, the conversation goes on
            logger.error("Could not reach Twilio to send a message: %r", error)
        return None

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        """The text, then one numbered line per button (SMS has no buttons)."""
        parts = [part for part in text.strip().split("\n\n") if part.strip()] or [""]
        for part in parts[:-1]:
            await self.send_text_message(recipient_id, part)
        await self._send_message(
            {"to": recipient_id, "from_": self.twilio_number, "body": numbered.render(parts[-1], buttons)}
        )


class TwilioInput(RasaTwilioInput):
    """Twilio webhook: signature checked, numbered replies mapped to payloads."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials.get("account_sid"),
            credentials.get("auth_token"),
            credentials.get("twilio_number"),
            webhook_url=credentials.get("webhook_url"),
            api_base=credentials.get("api_base"),
        )

    def __init__(
        self,
        account_sid: Optional[Text],
        auth_token: Optional[Text],
        twilio_number: Optional[Text],
        debug_mode: bool = False,
        webhook_url: Optional[Text] = None,
        api_base: Optional[Text] = None,
    ) -> None:
        super().__init__(account_sid, auth_token, twilio_number, debug_mode)
        if not auth_token:
            raise ValueError("twilio: auth_token is required (it also checks X-Twilio-Signature)")
        self.webhook_url = webhook_url
        self.api_base = api_base
        self.validator = RequestValidator(auth_token)

    def get_output_channel(self) -> OutputChannel:
        return TwilioOutput(self.account_sid, self.auth_token, self.twilio_number, self.api_base)

    def _signed_urls(self, request: Request) -> List[str]:
        """The URLs Twilio may have signed: the configured one, else this request's."""
        if self.webhook_url:
            return [self.webhook_url]
        urls = [request.url]
        proto = request.headers.get("X-Forwarded-Proto")
        host = request.headers.get("X-Forwarded-Host") or request.host
        if proto:  # a tunnel or proxy that terminates https in front of Rasa
            path = request.path + (f"?{request.query_string}" if request.query_string else "")
            urls.append(f"{proto.split(',')[0].strip()}://{host}{path}")
        return urls

    def is_signed_by_twilio(self, request: Request) -> bool:
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature:
            return False
        params = request.form if request.form else {}
        return any(self.validator.validate(url, params, signature) for url in self._signed_urls(request))

    @staticmethod
    async def _pending_buttons(request: Request, sender: Text) -> Optional[List[Dict[Text, Any]]]:
        """The buttons the sender was last asked to choose from, from the tracker."""
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            return None
        try:
            tracker = await agent.tracker_store.retrieve(sender)
        except Exception as error:
            logger.warning("twilio: could not read the conversation of a sender: %r", error)
            return None
        if tracker is None:
            return None
        events = [
            {"event": getattr(event, "type_name", None), "data": getattr(event, "data", None)}
            for event in list(tracker.events)[-100:]
        ]
        return numbered.pending_buttons(events)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        twilio_webhook = Blueprint("twilio_webhook", __name__)

        @twilio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @twilio_webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if not self.is_signed_by_twilio(request):
                logger.warning(
                    "twilio: refused a request without a valid X-Twilio-Signature "
                    "(behind a proxy? set TWILIO_WEBHOOK_URL to the public webhook URL)"
                )
                return response.text("invalid signature", status=403)

            sender = request.form.get("From")
            text = request.form.get("Body")
            if self._is_location_message(request):
                text = "/locationData{{'Latitude': {lat},'Longitude': {long}}}".format(
                    lat=request.form.get("Latitude"), long=request.form.get("Longitude")
                )
            if not sender or text is None:
                logger.debug("twilio: a request without sender or text, ignored")
                return response.text(_EMPTY_TWIML, content_type="text/xml")

            text = text.replace("¡", "@")  # @ signs get corrupted in SMS by some carriers
            payload = numbered.payload_for_reply(text, await self._pending_buttons(request, sender))
            if payload:
                logger.debug("twilio: numbered reply %r read as %s", text, payload)
                text = payload

            try:
                await on_new_message(
                    UserMessage(
                        text,
                        self.get_output_channel(),
                        sender,
                        input_channel=self.name(),
                        metadata=self.get_metadata(request),
                    )
                )
            except Exception as error:
                logger.exception("twilio: exception when handling a message: %r", error)
                if self.debug_mode:
                    raise
            # Replies are sent through the API; empty TwiML tells Twilio to add nothing.
            return response.text(_EMPTY_TWIML, content_type="text/xml")

        return twilio_webhook
