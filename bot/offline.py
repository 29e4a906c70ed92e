"""What the bot says when its action server cannot answer: no assessment, but safe
professional guidance, with emergency or same-day advice first when the person's
words (this turn's entities plus what the conversation already knew) raise a red
flag. Pure: features in, message out; the Rasa server calls it (adapters.patches).
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, Sequence, Tuple

from bot import features
from bot.assessment import assess
from bot.explain import explain
from bot.messages import phrase, render
from bot.tracking import fold_turn

KIND = "service_unavailable"


def service_unavailable(
    present: Sequence[str],
    absent: Sequence[str],
    mentions: Iterable[Tuple[str, str]],
) -> Dict[str, Any]:
    """The message (text, data) for a turn the action server could not handle.

    mentions: (feature id, role) pairs of this turn's clinical entities.
    """
    # folded as every turn is (bot.tracking), minus the pending interview answer
    turn = fold_turn(present, absent, answers={}, mentions=mentions, intent=None, requested=None)
    present, absent = turn.present, turn.absent
    triage = features.triage(present)
    guidance = explain(assess(present, absent))["guidance"]
    apology = phrase(KIND, "apology")
    first, second = (apology, guidance) if triage == features.ROUTINE else (guidance, apology)
    message = render(KIND, first=first, second=second)
    message["data"] = {"type": KIND, "triage": triage}
    return message
