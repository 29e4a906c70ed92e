"""Slot names shared by the actions, and readers for the conversation's state."""
from __future__ import annotations

from typing import Dict, List, Optional

from rasa_sdk import Tracker

from bot.tracking import interview_features

FEATURES_PRESENT = "features_present"
FEATURES_ABSENT = "features_absent"
TRIAGE = "triage"
ASSESSMENT = "assessment"
RED_FLAGS_ANNOUNCED = "red_flags_announced"
QUESTIONS_ASKED = "questions_asked"
# The interview question whose answer this turn could not be read (else None): the
# question is then asked once more in other words (actions/interview.py).
UNCLEAR_ANSWER = "unclear_answer"
REQUESTED_SLOT = "requested_slot"
INTERVIEW_FORM = "interview_form"
# When True, the tracker store deletes the conversation instead of saving it
# (adapters.stores.tracker_store.FORGET_SLOT: the same name).
FORGET_CONVERSATION = "forget_conversation"


def list_slot(tracker: Tracker, name: str) -> List[str]:
    value = tracker.get_slot(name)
    return list(value) if isinstance(value, (list, tuple)) else []


def answers(tracker: Tracker) -> Dict[str, Optional[str]]:
    """Interview feature id -> its answer slot (yes | no | unsure | skipped | None)."""
    return {f: tracker.get_slot(f) for f in interview_features()}


def pending_question(tracker: Tracker) -> Optional[str]:
    """The feature the interview is asking about, when the form is active."""
    if tracker.active_loop_name != INTERVIEW_FORM:
        return None
    requested = tracker.get_slot(REQUESTED_SLOT)
    return requested if requested in interview_features() else None
