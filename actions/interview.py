"""The interview form: how each question is asked, and why.

Which question comes next is chosen every turn by action_validate_slot_mappings
(actions/tracking.py, bot.interview); Rasa's form then asks it.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import slots
from bot.knowledge import question
from bot.messages import render
from bot.tracking import NOT_ASKED, interview_features


class ActionAskFeature(Action, ABC):
    """Asks the interview question for one feature (wording: bot/data/questions.yml).

    Abstract, so the SDK registers only the concrete per-feature subclasses below.
    """

    @property
    @abstractmethod
    def feature_id(self) -> Text:
        """The feature this action asks about."""

    def name(self) -> Text:
        return f"action_ask_{self.feature_id}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        asked = slots.list_slot(tracker, slots.QUESTIONS_ASKED)
        if not asked:
            dispatcher.utter_message(**render("start_interview"))
        entry = question(self.feature_id)
        if tracker.get_slot(slots.UNCLEAR_ANSWER) == self.feature_id:
            # the answer could not be read: the same question once more, in other words
            dispatcher.utter_message(**render("question", question=entry["rephrase"]))
            return [SlotSet(slots.QUESTIONS_ASKED, asked + [self.feature_id])]
        dispatcher.utter_message(**render("question", question=entry["text"]))
        if self.feature_id in asked:
            return []
        return [SlotSet(slots.QUESTIONS_ASKED, asked + [self.feature_id])]


# One ask action per interview question; the SDK registers Action subclasses.
ASK_ACTIONS = {
    feature_id: type(f"ActionAsk_{feature_id}", (ActionAskFeature,), {"feature_id": feature_id})
    for feature_id in interview_features()
}


class ActionInterviewAside(Action):
    """A message the interview's rules could not place (out of scope, or too unclear for
    NLU) while a question is pending: when it answered the question, nothing more is
    said and the interview goes on; when its answer was unclear, the form asks again in
    other words; otherwise it gets the out-of-scope reply."""

    def name(self) -> Text:
        return "action_interview_aside"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        if intent == "out_of_scope" and not tracker.get_slot(slots.UNCLEAR_ANSWER) and not _answered_this_turn(tracker):
            dispatcher.utter_message(response="utter_out_of_scope")
        return []


def _answered_this_turn(tracker: Tracker) -> bool:
    """Whether this turn's user message filled an answer slot of the interview."""
    answer_slots = set(interview_features())
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("name") in answer_slots and event.get("value") not in (None, NOT_ASKED):
            return True
    return False


class ActionExplainWhy(Action):
    """Answers "why do you ask?" with the pending question's reason and source."""

    def name(self) -> Text:
        return "action_explain_why"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        pending = slots.pending_question(tracker)
        asked = slots.list_slot(tracker, slots.QUESTIONS_ASKED)
        feature_id = pending or (asked[-1] if asked else None)
        if not feature_id:
            dispatcher.utter_message(**render("no_question_pending"))
            return []
        entry = question(feature_id)
        dispatcher.utter_message(**render("why", why=entry["why"], source=entry["source_title"]))
        return []
