"""Fold one user turn into what the conversation knows: a pure function, no Rasa.

Inputs are what NLU found in the message (feature mentions with a status), the
intent, and the interview question pending, if any. A yes/no/not-sure answer
applies to the pending question; mentions in free text apply to their own
features ("no, but my foot tingles": the pending feature is denied AND tingling
is recorded). The latest statement wins, so corrections just work.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from bot import features
from bot.answers import NO, SKIPPED, UNSURE, YES, answer_intents, leading_answer, read_answer  # noqa: F401  (leading_answer: re-exported for callers of bot.tracking)
from bot.knowledge import interview_order, screen_id, screening

# An answer slot the interview decided not to ask (bot.interview.form_slots).
NOT_ASKED = "not_asked"


def interview_features() -> List[str]:
    """The interview's questions (each has an answer slot), in the form's order: the
    combined emergency screen, the four emergency signs one by one, then the pattern
    questions. All are feature ids except the screen's id."""
    return [screen_id()] + screening() + interview_order()


@dataclass(frozen=True)
class TurnResult:
    present: List[str]
    absent: List[str]
    answers: Dict[str, str]  # interview feature id -> yes | no | unsure | skipped | not_asked (carried over)
    triage: Optional[str]  # None until anything clinical is known
    new_red_flags: List[str]  # red flags present now and not announced before
    flipped: List[str]  # features that moved between present and absent (corrections)
    unclear: bool = False  # the pending question got no answer it could read
    possible_flags: List[str] = field(default_factory=list)  # emergency signs only possible in the words ("tingling in my feet"): ask now


def fold_turn(
    present: Sequence[str],
    absent: Sequence[str],
    answers: Dict[str, Optional[str]],
    mentions: Iterable[Tuple[str, str]],
    intent: Optional[str],
    requested: Optional[str],
    announced: Sequence[str] = (),
    text: str = "",
    reasked: bool = False,
) -> TurnResult:
    """Update the conversation's features with one user message.

    mentions: (feature id, status) pairs from NLU; only present/absent count.
    requested: the feature the interview is asking about, if any.
    text: the message, read in the context of the requested question (bot.answers).
    reasked: the requested question was already asked again in other words; a second
    unclear answer is then taken as "not sure" rather than asked a third time.
    """
    known_ids = set(features.all_ids())
    mentions = [(f, s) for f, s in mentions if f in known_ids]
    new_present = [f for f, status in mentions if status == "present"]
    new_absent = [f for f, status in mentions if status == "absent"]
    reading = read_answer(requested, text, mentions, intent)
    answer = reading.answer
    # Only a message meant as an answer can be an unclear one: a question to the bot,
    # "why do you ask?", "stop" or an aside has its own rule, then the same question.
    unclear = bool(requested) and answer is None and (intent is None or intent in answer_intents())
    if unclear and reasked:
        answer, unclear = UNSURE, False
    if requested == screen_id():
        # one question for the four emergency signs: a clear no rules out every one
        # the message does not itself report
        if answer == NO:
            new_absent += [f for f in screening() if f not in new_present]
    elif requested and reading.source != "mention":
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
    if requested == screen_id() and answer:
        updated[requested] = answer
    elif requested and answer in (UNSURE, SKIPPED) and requested not in updated:
        updated[requested] = answer

    known = present_now or absent_now
    return TurnResult(
        present=present_now,
        absent=absent_now,
        answers=updated,
        triage=features.triage(present_now) if known else None,
        new_red_flags=[f for f in features.red_flags() if f in present_now and f not in announced],
        flipped=[f for f in present_now if f in absent] + [f for f in absent_now if f in present],
        unclear=unclear,
        possible_flags=[f for f in screening() if f in {m for m, s in mentions if s == "uncertain"}
                        and f not in present_now and f not in absent_now],
    )
