"""Keep what people write to the bot out of Rasa's logs at INFO and above.

Rasa logs message text at DEBUG only, with a few exceptions that show up at
the default level (INFO), all for messages starting with "/" (Rasa's
"/intent{entities}" shorthand):

- the warning `message.parsing.failed` (logger ...yaml_story_reader), with the
  whole text as `user_text`, when such a message is not a valid intent payload;
- the Python warnings "Failed to parse arguments in line '<text>'...", for an
  unknown intent or trailing text.

`install()` redacts the first (the record stays, without the text) and hides
the second; the REST and socket.io channels call it when Rasa loads them.
Our own channels never log message text (see rest.py, socketio.py).
`rasa run --debug` still logs message text: never use it in production.
"""
from __future__ import annotations

import logging
import warnings
from typing import Dict

# logger name -> {structlog event name: what is logged instead}
REDACTED_EVENTS: Dict[str, Dict[str, str]] = {
    "rasa.shared.core.training_data.story_reader.yaml_story_reader": {
        "message.parsing.failed": "message.parsing.failed: a message starting with '/' "
        "is not an intent payload; it is read as text (text not logged)",
    },
    "rasa.core.channels.rest": {
        "rest.message.received.failure": "rest.message.received.failure (text not logged)",
        "rest.message.received.timeout": "rest.message.received.timeout (text not logged)",
    },
    "rasa.core.channels.facebook": {
        "facebook.message.cannot.handle": "facebook.message.cannot.handle (message not logged)",
    },
}
HIDDEN_WARNINGS = (r"Failed to parse arguments in line",)


class RedactEvents(logging.Filter):
    """Replaces the text of a log record that belongs to one of the given events."""

    def __init__(self, events: Dict[str, str]) -> None:
        super().__init__()
        self.events = events

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot be formatted: keep it out
            return False
        for event, replacement in self.events.items():
            if event in message:
                record.msg, record.args = replacement, ()
                break
        return True


_installed = False


def hide_warnings() -> None:
    """Ignore Rasa's Python warnings that quote message text (safe to repeat)."""
    for pattern in HIDDEN_WARNINGS:
        warnings.filterwarnings("ignore", message=pattern)


def install() -> None:
    """Install the log filters (once per process) and hide the warnings."""
    global _installed
    hide_warnings()
    if _installed:
        return
    for logger_name, events in REDACTED_EVENTS.items():
        logging.getLogger(logger_name).addFilter(RedactEvents(events))
    _installed = True
