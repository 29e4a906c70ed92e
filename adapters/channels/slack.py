"""Slack, as Rasa's channel with two changes.

Credentials key `adapters.channels.slack.SlackInput`; webhook /webhooks/slack/webhook
(Event Subscriptions and Interactivity both point there). Requests are checked
with the signing secret (X-Slack-Signature, HMAC-SHA256 v0) by Rasa's channel.

- Messages are posted without `as_user`: Slack rejects that argument from apps
  created since 2020 ("invalid_arguments", deprecated_argument as_user); a bot
  token posts as the bot anyway.
- `api_base` (SLACK_API_BASE) replaces https://slack.com/api/.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel
from rasa.core.channels.slack import SlackBot as RasaSlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from slack_sdk.web.async_client import AsyncWebClient

from adapters.channels.display_hints import WithoutHints


class SlackBot(WithoutHints, RasaSlackBot):
    def __init__(
        self,
        token: Text,
        slack_channel: Optional[Text] = None,
        thread_id: Optional[Text] = None,
        proxy: Optional[Text] = None,
        api_base: Optional[Text] = None,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        if api_base:
            self.client = AsyncWebClient(token, base_url=api_base, proxy=proxy)

    async def _post_message(self, channel: Text, **kwargs: Any) -> None:
        kwargs.pop("as_user", None)
        await super()._post_message(channel, **kwargs)


class SlackInput(RasaSlackInput):
    api_base: Optional[Text] = None

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        channel = super().from_credentials(credentials)
        channel.api_base = (credentials or {}).get("api_base") or None
        return channel

    def get_output_channel(
        self, channel: Optional[Text] = None, thread_id: Optional[Text] = None
    ) -> OutputChannel:
        channel = channel or self.slack_channel
        return SlackBot(self.slack_token, channel, thread_id, self.proxy, self.api_base)
