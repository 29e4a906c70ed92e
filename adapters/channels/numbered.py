"""Buttons as numbered text, for channels that cannot show buttons (SMS, WhatsApp).

    Have you had any new trouble passing or holding in urine or stools?
    1. Yes
    2. No
    3. Not sure
    Reply with the number of your answer, or answer in your own words.

A reply that is only a number picks that button: `payload_for_reply("2", buttons)`
gives "/deny". The wording is in platforms.yml (`numbered_buttons`). No Rasa import.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence

import yaml

from adapters.channels.credentials import PLATFORMS_FILE

Button = Dict[str, Any]

# "2", " 2 ", "2.", "2)", "#2": a number and nothing else.
_NUMBER_REPLY = re.compile(r"^\s*#?\s*(\d{1,2})\s*[.)]?\s*$")


@lru_cache(maxsize=1)
def _wording() -> Dict[str, str]:
    return yaml.safe_load(PLATFORMS_FILE.read_text(encoding="utf-8"))["numbered_buttons"]


def option_lines(buttons: Sequence[Button]) -> List[str]:
    option = _wording()["option"]
    return [option.format(number=i, title=b.get("title", "")) for i, b in enumerate(buttons, start=1)]


def render(text: str, buttons: Sequence[Button]) -> str:
    """The message text followed by one numbered line per button and the hint."""
    lines = [text.rstrip()] if text and text.strip() else []
    lines += option_lines(buttons)
    hint = _wording().get("hint")
    if hint:
        lines.append(hint)
    return "\n".join(lines)


def payload_for_reply(reply: Optional[str], buttons: Optional[Sequence[Button]]) -> Optional[str]:
    """The payload of the button whose number `reply` is, else None."""
    if not reply or not buttons:
        return None
    match = _NUMBER_REPLY.match(reply)
    if not match:
        return None
    index = int(match.group(1)) - 1
    if 0 <= index < len(buttons):
        payload = buttons[index].get("payload")
        return payload if isinstance(payload, str) and payload else None
    return None


def pending_buttons(events: Sequence[Dict[str, Any]]) -> Optional[List[Button]]:
    """The buttons of the bot's last message, if the user has not replied since.

    `events` are tracker events as dicts (oldest first). Looking back from the
    end, the first user message means there is nothing pending; the first bot
    message that has buttons is the pending question.
    """
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            return None
        if kind == "bot":
            buttons = (event.get("data") or {}).get("buttons")
            if buttons:
                return list(buttons)
    return None
