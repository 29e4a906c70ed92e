"""The wording of the messages custom actions send, from bot/data/messages.yml.

`render(name, **params)` returns a message dict ready for
`dispatcher.utter_message(**message)`: its text with the placeholders filled,
and its buttons if it has any. No Rasa import.
"""
from __future__ import annotations

from typing import Any, Dict

from bot.knowledge import load


def phrase(name: str, key: str, **params: Any) -> str:
    """One keyed phrase of a message (e.g. an item of a list), filled in."""
    return load("messages.yml")["messages"][name][key].format(**params)


def render(name: str, **params: Any) -> Dict[str, Any]:
    spec = load("messages.yml")["messages"][name]
    message: Dict[str, Any] = {"text": spec["text"].format(**params).strip()}
    if spec.get("buttons"):
        message["buttons"] = [dict(button) for button in spec["buttons"]]
    return message
