"""Which question the interview asks next: a pure function, no Rasa import.

The emergency screen comes first (bot/data/questions.yml `screen`: one question for the
four emergency signs, then a single question for any sign still unknown), then
pattern questions in the data's `order`, skipping whatever is already known and
any pattern that is already settled, within the `stopping` budget. A red flag
stops the interview at once: the person needs advice, not more questions.
"""
from __future__ import annotations

from typing import Dict, Iterable, Mapping, Optional, Sequence

from bot import features
from bot.assessment import counts_toward
from bot.features import KNEE, NERVE, ROUTINE
from bot.knowledge import interview_order, load, screen_id, screening
from bot.tracking import NOT_ASKED


def _settled(pattern: str, present: set, absent: set) -> bool:
    config = load("assessment.yml")
    score = sum(
        weight
        for pattern_of, weight in (counts_toward(f, present) for f in present if f in config["weights"])
        if pattern_of == pattern
    )
    strong_denied = sum(
        1
        for f in absent
        if f in config["weights"]
        and config["weights"][f]["pattern"] == pattern
        and config["weights"][f]["weight"] >= config["denial"]["min_weight"]
    )
    stopping = load("questions.yml")["stopping"]
    return score >= config["thresholds"]["enough"] or strong_denied >= stopping["ruled_out_after"]


def next_question(
    present: Iterable[str],
    absent: Iterable[str],
    unanswered: Iterable[str] = (),
    asked: Iterable[str] = (),
    screen_answered: bool = False,
    first: Iterable[str] = (),
) -> Optional[str]:
    """The question to ask next (a feature id, or the screen's id), or None when the
    interview is done.

    present/absent: what the conversation knows; unanswered: ids the person
    answered "not sure" or skipped; asked: ids the interview already asked;
    screen_answered: the combined emergency screen got an answer other than a clear
    no (a clear no makes its four signs absent), so its signs are asked one by one;
    first: emergency signs the person's words made possible ("tingling in my feet"),
    asked at once, each with its own question, instead of raising an alarm.
    """
    present, absent = set(present), set(absent)
    known = present | absent | set(unanswered)
    if features.triage(present) != ROUTINE:
        return None
    open_signs = [f for f in screening() if f not in known]
    for feature_id in first:
        if feature_id in open_signs:
            return feature_id
    if len(open_signs) >= 2 and not screen_answered and screen_id() not in unanswered:
        return screen_id()
    if open_signs:
        return open_signs[0]

    stopping = load("questions.yml")["stopping"]
    pattern_asked = sorted({f for f in asked if f not in screening() and f != screen_id()})
    if len(pattern_asked) >= stopping["max_pattern_questions"]:
        return None
    open_patterns = {p for p in (NERVE, KNEE) if not _settled(p, present, absent)}
    if not open_patterns and len(pattern_asked) >= stopping["min_pattern_questions"]:
        return None
    for feature_id in interview_order():
        if feature_id in known:
            continue
        if not open_patterns or features.group_of(feature_id) in open_patterns:
            return feature_id
    return None


def form_slots(
    order: Sequence[str],
    answers: Mapping[str, Optional[str]],
    following: Optional[str],
) -> Dict[str, Optional[str]]:
    """The answer-slot changes that make a form ask `following` next, or finish.

    Rasa's form asks for the first empty slot of its required slots (`order`),
    and finishes when none is empty. So every empty slot before `following` is
    marked NOT_ASKED, and `following` is emptied if an earlier turn had marked
    it (a correction can reopen a pattern). With no question left, every empty
    slot is marked. Answered slots are never touched.
    """
    changes: Dict[str, Optional[str]] = {}
    for feature_id in order:
        value = answers.get(feature_id)
        if feature_id == following:
            if value == NOT_ASKED:
                changes[feature_id] = None
            break
        if value is None:
            changes[feature_id] = NOT_ASKED
    return changes
