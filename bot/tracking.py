"""Fold one user turn into what the conversation knows: a pure function, no Rasa.

Inputs are what NLU found in the message (feature mentions with a status), the
intent, and the interview question pending, if any. A yes/no/not-sure answer
applies to the pending question; mentions in free text apply to their own
features ("no, but my foot tingles": the pending feature is denied AND tingling
is recorded). The latest statement wins, so corrections just work.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from bot import features
from bot.knowledge import interview_order, load, screening

YES, NO, UNSURE, SKIPPED = "yes", "no", "unsure", "skipped"
# An answer slot the interview decided not to ask (bot.interview.form_slots).
NOT_ASKED = "not_asked"

# intent of a short answer -> what it says about the pending question
ANSWER_INTENTS = {"affirm": YES, "deny": NO, "unsure": UNSURE, "skip_question": SKIPPED}


@lru_cache(maxsize=None)
def _leading_patterns() -> List[Tuple[re.Pattern, str]]:
    """(regex, answer) pairs, longest phrase first so "not sure" beats "no"."""
    words = load("answers.yml")["leading"]
    pairs = [(phrase, {"affirm": YES, "deny": NO, "unsure": UNSURE}[kind]) for kind, phrases in words.items() for phrase in phrases]
    pairs.sort(key=lambda pair: -len(pair[0]))
    return [(re.compile(r"^\W*" + re.escape(phrase) + r"\b", re.IGNORECASE), answer) for phrase, answer in pairs]


def leading_answer(text: str) -> Optional[str]:
    """YES / NO / UNSURE when the message opens with an answer word, else None."""
    head = (text or "")[:40].replace("\u2019", "'")
    for pattern, answer in _leading_patterns():
        if pattern.match(head):
            return answer
    return None


def interview_features() -> List[str]:
    """Feature ids that have an interview question (and an answer slot)."""
    return screening() + interview_order()


@dataclass(frozen=True)
class TurnResult:
    present: List[str]
    absent: List[str]
    answers: Dict[str, str]  # interview feature id -> yes | no | unsure | skipped | not_asked (carried over)
    triage: Optional[str]  # None until anything clinical is known
    new_red_flags: List[str]  # red flags present now and not announced before
    flipped: List[str]  # features that moved between present and absent (corrections)


def fold_turn(
    present: Sequence[str],
    absent: Sequence[str],
    answers: Dict[str, Optional[str]],
    mentions: Iterable[Tuple[str, str]],
    intent: Optional[str],
    requested: Optional[str],
    announced: Sequence[str] = (),
    text: str = "",
) -> TurnResult:
    """Update the conversation's features with one user message.

    mentions: (feature id, status) pairs from NLU; only present/absent count.
    requested: the feature the interview is asking about, if any.
    text: the message, for an answer word that opens free text ("no, but ...").
    """
    known_ids = set(features.all_ids())
    mentions = [(f, s) for f, s in mentions if f in known_ids]
    new_present = [f for f, status in mentions if status == "present"]
    new_absent = [f for f, status in mentions if status == "absent"]
    answer = ANSWER_INTENTS.get(intent or "") or (leading_answer(text) if requested else None)
    mentioned = {f for f, _ in mentions}
    if requested and answer and requested not in mentioned:
        if answer == YES:
            new_present.append(requested)
        elif answer == NO:
            new_absent.append(requested)

    present_now, absent_now = features.merge(present, absent, new_present, new_absent)
    updated = {f: v for f, v in answers.items() if v}
    for feature_id in interview_features():
        if feature_id in present_now:
            updated[feature_id] = YES
        elif feature_id in absent_now:
            updated[feature_id] = NO
    if requested and answer in (UNSURE, SKIPPED) and requested not in updated:
        updated[requested] = answer

    known = present_now or absent_now
    return TurnResult(
        present=present_now,
        absent=absent_now,
        answers=updated,
        triage=features.triage(present_now) if known else None,
        new_red_flags=[f for f in features.red_flags() if f in present_now and f not in announced],
        flipped=[f for f in present_now if f in absent] + [f for f in absent_now if f in present],
    )
