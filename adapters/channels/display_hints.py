"""Display hints travel with the text they belong to, and never as a message of their own.

The actions mark some messages for the web page under the custom payload's `data` key
(`{"data": {"type": "red_flag_alert", "triage": "emergency"}}`: style it as an
emergency; the clinician summary's structured copy). Rasa sends a message's text and its
custom payload as two separate messages, so every text platform would show a second,
empty bubble (an empty SMS on Twilio, an empty Slack post).

- Text platforms (Telegram, Slack, Messenger, Twilio) drop the hint: `WithoutHints`.
- REST sends one message with both its text and its `custom` payload: `OneMessageCollector`.
- socket.io keeps Rasa's behaviour: the web page reads the hint and styles the bubble
  before it (adapters/web/static/chat.js).
"""
from __future__ import annotations

from typing import Any, Dict, Text

from rasa.core.channels.channel import CollectingOutputChannel

HINT_KEY = "data"


def without_hints(custom: Any) -> Any:
    """The custom payload minus the display hint; None when nothing else is left."""
    if isinstance(custom, dict) and HINT_KEY in custom:
        rest = {key: value for key, value in custom.items() if key != HINT_KEY}
        return rest or None
    return custom


class WithoutHints:
    """Mixin for a text platform's output channel: custom payloads lose their display
    hint, and a payload that was only a hint sends nothing."""

    async def send_custom_json(self, recipient_id: Text, json_message: Any, **kwargs: Any) -> None:
        rest = without_hints(json_message)
        if rest:
            await super().send_custom_json(recipient_id, rest, **kwargs)  # type: ignore[misc]


class OneMessageCollector(CollectingOutputChannel):
    """REST: a message's text, buttons and custom payload in one JSON object."""

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        if message.get("custom") and (message.get("text") or message.get("buttons")):
            self.messages.append(self._message(
                recipient_id,
                text=message.get("text"),
                buttons=message.get("buttons"),
                image=message.get("image"),
                attachment=message.get("attachment"),
                custom=message.get("custom"),
            ))
            return
        await super().send_response(recipient_id, message)
