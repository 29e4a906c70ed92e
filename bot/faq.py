"""Whether the bot answers a question from its FAQ: one decision, shared by the
action (actions/faq.py) and the evaluation (`make eval-faq`). No Rasa import: it
reads Rasa's parse result as a plain dict.

A question is the retrieval intent `faq`; the FAQ ranker (bot/faq_ranker.py, in
the NLU pipeline in place of Rasa's ResponseSelector, with the same output) names
the FAQ question closest to it (`faq/<key>`, answered by the response
`utter_faq/<key>`). The ranker always names one, however far the message is from
all of them, so the bot answers only when the ranker is sure enough
(bot/data/faq.yml), and otherwise says honestly that it cannot answer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from bot.knowledge import load

RETRIEVAL_INTENT = "faq"
# The outcome of a message the bot declines honestly: an FAQ question it is
# unsure of, or a message NLU found out of scope or could not place.
CANNOT_ANSWER = "cannot_answer"
DECLINING_INTENTS = ("out_of_scope", "nlu_fallback")


@dataclass(frozen=True)
class Match:
    """The selector's choice for one message."""

    key: Optional[str]  # FAQ key, e.g. "how_long"; None when nothing was selected
    confidence: float  # of the first choice
    margin: float  # first choice minus second


def match(parse: Mapping[str, Any]) -> Match:
    """The FAQ question the ranker chose for a parsed message (Rasa's `response_selector`)."""
    selected = ((parse or {}).get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    response = selected.get("response") or {}
    full = response.get("intent_response_key") or ""
    key = full.split("/", 1)[1] if full.startswith(RETRIEVAL_INTENT + "/") else None
    confidences = sorted((float(r.get("confidence") or 0.0) for r in selected.get("ranking") or []), reverse=True)
    first = float(response.get("confidence") or (confidences[0] if confidences else 0.0))
    second = confidences[1] if len(confidences) > 1 else 0.0
    return Match(key=key, confidence=first, margin=first - second)


def names_own_body_part(text: str) -> bool:
    """Whether a message speaks of the person's own knee, leg or back (bot/data/faq.yml)."""
    return bool(re.search(load("faq.yml")["own_body_part"], text or "", re.IGNORECASE))


def asks_question(text: str) -> bool:
    """Whether a message is shaped as a question (bot/data/faq.yml)."""
    return bool(re.search(load("faq.yml")["question_shape"], text or "", re.IGNORECASE))


def thresholds() -> Mapping[str, float]:
    return load("faq.yml")["answer_when"]


def answerable(found: Match) -> bool:
    """True when the bot should answer with `utter_faq/<found.key>`."""
    limits = thresholds()
    return found.key is not None and found.confidence >= limits["min_confidence"] and found.margin >= limits["min_margin"]


def outcome(parse: Mapping[str, Any]) -> str:
    """What the bot does with a parsed message, as the evaluation scores it:
    "faq/<key>" when it answers from the FAQ, CANNOT_ANSWER when it declines
    (an FAQ question it is unsure of, an out-of-scope message, or one it did not
    understand), else "intent:<name>" (a greeting, symptoms, an answer ...).
    """
    name = ((parse or {}).get("intent") or {}).get("name")
    if name == RETRIEVAL_INTENT:
        found = match(parse)
        return f"{RETRIEVAL_INTENT}/{found.key}" if answerable(found) else CANNOT_ANSWER
    if name in DECLINING_INTENTS:
        return CANNOT_ANSWER
    return f"intent:{name}"
