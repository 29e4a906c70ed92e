"""Telegram that starts without Telegram.

Credentials key `adapters.channels.telegram.TelegramInput`; webhook /webhooks/telegram/webhook.

Rasa's own Telegram channel calls Telegram (setWebhook) while the app is being
built and aborts start-up when that fails, e.g. offline or with a wrong token.
This subclass:
- registers the webhook in the background once the server is up, with a time
  limit; a failure is a clear warning, and the webhook route keeps working (the
  webhook can be registered later with GET /webhooks/telegram/set_webhook);
- asks Telegram who the bot is (getMe, compared with `verify`) once instead of on
  every update, and warns when the username does not match;
- with `secret_token` (TELEGRAM_SECRET_TOKEN) registers the webhook with that
  secret and refuses updates without the matching
  X-Telegram-Bot-Api-Secret-Token header (Telegram's own request check);
- reads Telegram's "/start" (sent when someone opens the bot) as a greeting;
- `api_base` (TELEGRAM_API_BASE) replaces https://api.telegram.org.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer, check_token
from aiogram.bot.bot import Bot
from aiogram.types import User
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from sanic import Blueprint, response
from sanic.request import Request

from adapters.channels.display_hints import WithoutHints

logger = logging.getLogger(__name__)

SET_WEBHOOK_TIMEOUT_SECONDS = 15
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
GREETING = "/greet"
_START_COMMAND = re.compile(r"^/start(@\w+)?(\s.*)?$", re.DOTALL)


class TelegramOutput(WithoutHints, RasaTelegramOutput):
    """Rasa's Telegram output with a configurable API server and a cached getMe."""

    def __init__(
        self,
        access_token: Optional[Text],
        api_base: Optional[Text] = None,
        secret_token: Optional[Text] = None,
        verify: Optional[Text] = None,
    ) -> None:
        server = TelegramAPIServer.from_base(api_base) if api_base else TELEGRAM_PRODUCTION
        Bot.__init__(self, access_token, server=server)
        self.secret_token = secret_token
        self.verify = verify
        self._me: Optional[User] = None

    def redact(self, text: Any) -> str:
        """`text` without the bot token (aiohttp errors may quote the URL)."""
        token = self._token or ""
        return str(text).replace(token, "<token>") if token else str(text)

    async def get_me(self) -> User:
        if self._me is None:
            try:
                me = await super().get_me()
            except Exception as error:
                logger.error(
                    "telegram: could not ask Telegram who the bot is (getMe), so this "
                    "update is not answered: %s", self.redact(error)
                )
                raise
            if self.verify and me.username != self.verify:
                logger.warning(
                    "telegram: the token belongs to @%s but `verify` (TELEGRAM_VERIFY) is %r; "
                    "updates are ignored until they match",
                    me.username, self.verify,
                )
            self._me = me
        return self._me

    async def set_webhook(self, url: Text, *args: Any, **kwargs: Any) -> bool:
        """setWebhook, with the secret token when there is one."""
        if not self.secret_token:
            return await super().set_webhook(url, *args, **kwargs)
        payload: Dict[str, Any] = {"url": url, "secret_token": self.secret_token}
        return await self.request("setWebhook", payload)

    async def close_session(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


class TelegramInput(RasaTelegramInput):
    """Telegram webhook that tolerates Telegram being unreachable at start-up."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials.get("access_token"),
            credentials.get("verify"),
            credentials.get("webhook_url"),
            secret_token=credentials.get("secret_token"),
            api_base=credentials.get("api_base"),
        )

    def __init__(
        self,
        access_token: Optional[Text],
        verify: Optional[Text],
        webhook_url: Optional[Text],
        debug_mode: bool = False,
        secret_token: Optional[Text] = None,
        api_base: Optional[Text] = None,
    ) -> None:
        try:
            check_token(access_token or "")
        except Exception:  # a configuration error, not Telegram being unreachable
            raise ValueError(
                "telegram: TELEGRAM_ACCESS_TOKEN is not a bot token (those look like "
                "123456789:AA..., from @BotFather)"
            ) from None
        super().__init__(access_token, verify, webhook_url, debug_mode)
        self.secret_token = secret_token or None
        self.api_base = api_base or None
        self._output: Optional[TelegramOutput] = None

    def get_output_channel(self) -> TelegramOutput:
        """The bot (one per channel); unlike Rasa's, this calls nothing."""
        if self._output is None:
            self._output = TelegramOutput(self.access_token, self.api_base, self.secret_token, self.verify)
        return self._output

    async def register_webhook(self) -> bool:
        """Tell Telegram where to send updates; warn (never raise) when that fails."""
        bot = self.get_output_channel()
        try:
            with bot.request_timeout(SET_WEBHOOK_TIMEOUT_SECONDS):
                ok = await asyncio.wait_for(bot.set_webhook(self.webhook_url), SET_WEBHOOK_TIMEOUT_SECONDS + 5)
        except Exception as error:
            ok, reason = False, f"{type(error).__name__}: {bot.redact(error)}"
        else:
            reason = "Telegram answered that it was not set"
        if ok:
            logger.info("telegram: webhook registered at %s", self.webhook_url)
        else:
            logger.warning(
                "telegram: could not register the webhook with Telegram (%s). The bot "
                "still runs and /webhooks/telegram/webhook still accepts updates; when "
                "Telegram is reachable, register it with GET /webhooks/telegram/set_webhook "
                "or restart.", reason,
            )
        return bool(ok)

    @staticmethod
    def _greeting_for_start(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
        async def handler(message: UserMessage) -> Any:
            if message.text and _START_COMMAND.match(message.text.strip()):
                message.text = GREETING
            return await on_new_message(message)

        return handler

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Rasa's blueprint calls self.get_output_channel(), which no longer calls Telegram.
        telegram_webhook = super().blueprint(self._greeting_for_start(on_new_message))

        @telegram_webhook.middleware("request")
        async def check_secret_token(request: Request) -> Any:
            if not self.secret_token or not request.path.rstrip("/").endswith("/webhook"):
                return None
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), self.secret_token.encode()):
                logger.warning("telegram: refused an update without the right %s header", SECRET_HEADER)
                return response.text("invalid secret token", status=403)
            return None

        @telegram_webhook.listener("after_server_start")
        async def register_in_background(app: Any, _loop: Any) -> None:
            # In the background: a slow or absent network must not hold up start-up.
            app.add_task(self.register_webhook())

        @telegram_webhook.listener("before_server_stop")
        async def close(_app: Any, _loop: Any) -> None:
            await self.get_output_channel().close_session()

        return telegram_webhook
