"""What the bot says when its action server cannot answer: no assessment, but safe
professional guidance, with emergency or same-day advice first when the person's
words (this turn's entities plus what the conversation already knew) raise a red
flag. Pure: features in, message out; the Rasa server calls it (bot.rasa_patches).
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, Tuple

from bot import features
from bot.assessment import assess
from bot.explain import explain
from bot.messages import phrase, render

KIND = "service_unavailable"


def service_unavailable(
    present: Iterable[str],
    absent: Iterable[str],
    mentions: Iterable[Tuple[str, str]],
) -> Dict[str, Any]:
    """The message (text, data) for a turn the action server could not handle.

    mentions: (feature id, role) pairs of this turn's clinical entities.
    """
    known = set(features.all_ids())
    mentions = [(f, role) for f, role in mentions if f in known]
    present, absent = features.merge(
        present,
        absent,
        [f for f, role in mentions if role == "present"],
        [f for f, role in mentions if role == "absent"],
    )
    triage = features.triage(present)
    guidance = explain(assess(present, absent))["guidance"]
    apology = phrase(KIND, "apology")
    first, second = (apology, guidance) if triage == features.ROUTINE else (guidance, apology)
    message = render(KIND, first=first, second=second)
    message["data"] = {"type": KIND, "triage": triage}
    return message
