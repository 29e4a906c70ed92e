"""Read an answer in the context of the question it answers: a pure function, no Rasa.

    read_answer("both_legs", "only my right leg", mentions=[], intent="affirm")  -> NO

The order (bot/data/answers.yml explains it): what the answer says about the question's
own feature (the extractor's mention, then the question's phrases) beats a leading
yes/no word or the intent, so "yes... only my right leg" is a no and "no, but it does
shoot down to my foot" is a yes. None means the answer is unclear: the interview asks
once more in other words rather than guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Tuple

from bot.knowledge import load

YES, NO, UNSURE, SKIPPED = "yes", "no", "unsure", "skipped"

# intent of a short answer -> what it says about the pending question
ANSWER_INTENTS = {"affirm": YES, "deny": NO, "unsure": UNSURE, "skip_question": SKIPPED}
_LEADING_KINDS = {"affirm": YES, "deny": NO, "unsure": UNSURE}
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


@dataclass(frozen=True)
class Reading:
    """What a message answers to the pending question, and from what."""

    answer: Optional[str]  # YES | NO | UNSURE | SKIPPED | None (unclear)
    source: str  # "mention" | "phrase" | "leading" | "intent" | "none"


@lru_cache(maxsize=None)
def _leading_patterns() -> List[Tuple[re.Pattern, str]]:
    """(regex, answer) pairs, longest phrase first so "not sure" beats "no"."""
    words = load("answers.yml")["leading"]
    pairs = [(phrase, _LEADING_KINDS[kind]) for kind, phrases in words.items() for phrase in phrases]
    pairs.sort(key=lambda pair: -len(pair[0]))
    return [(re.compile(r"^\W*" + re.escape(phrase) + r"\b", re.IGNORECASE), answer) for phrase, answer in pairs]


@lru_cache(maxsize=None)
def _question_patterns() -> Dict[str, List[Tuple[re.Pattern, str]]]:
    """feature id -> (regex, answer) pairs, denials first."""
    compiled: Dict[str, List[Tuple[re.Pattern, str]]] = {}
    for feature_id, kinds in load("answers.yml")["questions"].items():
        compiled[feature_id] = [
            (re.compile(phrase, re.IGNORECASE), answer)
            for key, answer in (("deny", NO), ("affirm", YES))
            for phrase in kinds.get(key, ())
        ]
    return compiled


def answer_intents() -> frozenset:
    """Intents of messages meant as answers: only these can leave an answer unclear."""
    return frozenset(load("answers.yml")["answer_intents"])


def _clean(text: str) -> str:
    return (text or "")[:2000].translate(_QUOTES)


def leading_answer(text: str) -> Optional[str]:
    """YES / NO / UNSURE when the message opens with an answer word, else None."""
    head = _clean(text)[:40]
    for pattern, answer in _leading_patterns():
        if pattern.match(head):
            return answer
    return None


def phrase_answer(feature_id: str, text: str) -> Optional[str]:
    """YES / NO when the message words an answer to this question, else None."""
    text = _clean(text)
    for pattern, answer in _question_patterns().get(feature_id, ()):
        if pattern.search(text):
            return answer
    return None


def read_answer(
    requested: Optional[str],
    text: str,
    mentions: Iterable[Tuple[str, str]],
    intent: Optional[str],
) -> Reading:
    """What the message answers to the question about `requested` (None: no question)."""
    if not requested:
        return Reading(None, "none")
    statuses = {status for feature_id, status in mentions if feature_id == requested}
    if statuses & {"present", "absent"}:
        return Reading(YES if "present" in statuses else NO, "mention")
    from_phrase = phrase_answer(requested, text)
    from_leading = leading_answer(text)
    # A phrase that denies is explicit and beats a leading word ("yes... only my right
    # leg"); a phrase that affirms is often just the topic's word, which a leading
    # answer word outranks ("no, sitting is actually fine").
    if from_phrase == NO or (from_phrase == YES and from_leading is None):
        return Reading(from_phrase, "phrase")
    if from_leading:
        return Reading(from_leading, "leading")
    from_intent = ANSWER_INTENTS.get(intent or "")
    if from_intent:
        return Reading(from_intent, "intent")
    return Reading(None, "none")
